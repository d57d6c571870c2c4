/** WebhookSender over fetch: one POST, a hard timeout, redirects refused, the answer discarded. */
import type { PostOutcome, WebhookSender } from "../../ports/webhook-sender.ts";

function describe(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") return "timed out";
    const cause = (error as Error & { cause?: unknown }).cause;
    const code = (cause as { code?: unknown } | undefined)?.code;
    return typeof code === "string" ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

export const fetchWebhookSender: WebhookSender = {
  async post(url, headers, body, timeoutMs): Promise<PostOutcome> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers,
        body,
        // A redirect could lead the signed body anywhere: a 3xx is a failed delivery.
        redirect: "manual",
        signal,
      });
      // Only the status counts; the body is not read (nor trusted), but the connection is freed.
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300)
        return { ok: true, status: response.status };
      return { ok: false, status: response.status, error: `answered ${response.status}` };
    } catch (error) {
      return {
        ok: false,
        error: signal.aborted ? `timed out after ${timeoutMs} ms` : describe(error),
      };
    }
  },
};
