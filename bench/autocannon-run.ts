/** autocannon with every request's latency, and a failure on any non-2xx answer or error. */
import autocannon from "autocannon";

/**
 * Runs `options`; `onLatencyMs` gets each response's time in ms (autocannon's "response"
 * event: client, status code, bytes, response time).
 */
export async function runLoad(
  options: autocannon.Options,
  onLatencyMs?: (ms: number) => void,
): Promise<autocannon.Result> {
  // Without a callback autocannon returns its tracker, an EventEmitter that is also thenable;
  // its types only show the promise.
  const instance = autocannon(options) as unknown as autocannon.Instance &
    PromiseLike<autocannon.Result>;
  if (onLatencyMs)
    instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) =>
      onLatencyMs(ms),
    );
  const result = await instance;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `load run on ${options.url} had ${result.non2xx} non-2xx answers (${JSON.stringify(result.statusCodeStats)}) and ${result.errors} errors`,
    );
  }
  return result;
}
