/** An HTTP-level refusal (auth, media type, size, routing) with the status it maps to. */

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export class HttpError extends Error {
  readonly status: number;
  readonly errors: readonly FieldError[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    options: { errors?: readonly FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.errors = options.errors ?? [];
    this.headers = options.headers ?? {};
  }
}
