/**
 * Which URLs a webhook may point at: https only, no credentials, no fragment, at most 2048
 * characters. Plain http is allowed only to the loopback interface, and only where the
 * deployment says so (the local stack and tests, whose receivers have no certificate).
 */

export const MAX_WEBHOOK_URL_LENGTH = 2048;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Why `text` cannot be a webhook URL, or undefined when it can. */
export function webhookUrlProblem(text: string, allowHttpLoopback: boolean): string | undefined {
  if (text.length > MAX_WEBHOOK_URL_LENGTH) return `at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "an absolute URL, such as https://example.com/stele-events";
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && allowHttpLoopback && loopback)) {
    return allowHttpLoopback ? "an https URL (or http to 127.0.0.1 or localhost)" : "an https URL";
  }
  if (url.username !== "" || url.password !== "") return "no user name or password in the URL";
  if (url.hash !== "") return "no #fragment";
  return undefined;
}
