// A small client of the HTTP API for tests: what a user's code would send and read.
export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export class ApiClient {
  constructor(
    readonly url: string,
    readonly apiKey: string,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth !== false) headers.authorization = `Bearer ${this.apiKey}`;
    if (options.body !== undefined) headers["content-type"] ??= "application/json";
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(options.body === undefined
        ? {}
        : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text === "" ? undefined : JSON.parse(text)) as T,
    };
  }

  /** GET the proof of `id` until it is ready (200) or `timeoutMs` passes. */
  async waitForProof<T = unknown>(id: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await this.request<T>("GET", `/v1/entries/${id}/proof`);
      if (response.status === 200) return response.body;
      if (response.status !== 425 || Date.now() > deadline) {
        throw new Error(`proof of ${id}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
