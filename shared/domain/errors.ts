/** What went wrong, in a form a caller can branch on (and the HTTP layer can map once). */
export type SteleErrorCode =
  | "invalid_argument"
  | "invalid_proof"
  | "invalid_bundle"
  | "missing_data"
  | "not_found"
  | "not_yet"
  | "conflict"
  | "too_large";

/** The one base error of Stele's domain: a code, a message that says what to do, and context. */
export class SteleError extends Error {
  readonly code: SteleErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: SteleErrorCode,
    message: string,
    context: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.context = context;
  }
}

/** The caller's fault: an argument outside the function's stated preconditions. */
export class InvalidArgumentError extends SteleError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("invalid_argument", message, context);
  }
}

/** Stored data the computation needs is absent or shorter than the tree size implies. */
export class MissingDataError extends SteleError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("missing_data", message, context);
  }
}

/** The thing asked for does not exist (an unknown entry id or ledger). */
export class NotFoundError extends SteleError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("not_found", message, context);
  }
}

/** The thing exists but is not ready yet; ask again after `retryAfterSeconds`. */
export class NotYetError extends SteleError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number, context: Record<string, unknown> = {}) {
    super("not_yet", message, { ...context, retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The request contradicts an earlier one (an Idempotency-Key reused with another body). */
export class ConflictError extends SteleError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("conflict", message, context);
  }
}
