/**
 * An error as a log line may carry it: URLs cut to their origin. ethers puts the endpoint's full
 * URL into its errors (`info.requestUrl`, and the message: `server response 401 … info={
 * "requestUrl": "https://eth.example/v2/<provider key>" }`), and RPC providers keep their API key
 * in the path, the query or the user info; Powertools logs an error's message, stack and every
 * enumerable field. So only the name, message, stack, a string `code` and the cause are kept,
 * each with `scheme://user:pass@host/path?query` reduced to `scheme://host`.
 */

/** Anything that looks like an absolute http(s) or ws(s) URL, up to a quote, space or bracket. */
const URL_PATTERN =
  /\b((?:https?|wss?):\/\/)(?:[^\s/@"'<>]*@)?([^\s/?#"'<>\\]+)[^\s"'<>\\,)}\]]*/gi;

/** `text` with every URL reduced to its scheme and host (and port). */
export function withoutUrlDetails(text: string): string {
  return text.replace(URL_PATTERN, "$1$2");
}

/** What to hand the logger for a caught value: an Error with URLs cut, or a string. */
export function loggableError(value: unknown, depth = 0): Error | string {
  if (!(value instanceof Error)) {
    let text: string;
    try {
      text = String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
    return withoutUrlDetails(text);
  }
  const error = new Error(withoutUrlDetails(value.message));
  error.name = value.name;
  error.stack = withoutUrlDetails(value.stack ?? `${value.name}: ${value.message}`);
  const code = (value as { code?: unknown }).code;
  if (typeof code === "string") Object.assign(error, { code });
  if (value.cause !== undefined && depth < 5) error.cause = loggableError(value.cause, depth + 1);
  if (value instanceof AggregateError && depth < 5) {
    Object.assign(error, {
      errors: value.errors.slice(0, 10).map((inner: unknown) => {
        const cut = loggableError(inner, depth + 1);
        return cut instanceof Error ? `${cut.name}: ${cut.message}` : cut;
      }),
    });
  }
  return error;
}
