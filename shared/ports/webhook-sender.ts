/** Port: one HTTP POST of a webhook event to a tenant's URL. */

export type PostOutcome =
  /** The receiver answered 2xx. */
  | { readonly ok: true; readonly status: number }
  /** A non-2xx answer (status), or none: a timeout, a refused connection, a TLS failure. */
  | { readonly ok: false; readonly status?: number; readonly error: string };

export interface WebhookSender {
  /** POSTs `body` with `headers`; gives up after `timeoutMs`. Never follows redirects. */
  post(
    url: string,
    headers: Readonly<Record<string, string>>,
    body: string,
    timeoutMs: number,
  ): Promise<PostOutcome>;
}
