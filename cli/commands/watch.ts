/** `stele watch <id…> | --index <file>`: poll until every entry reaches --until, or time out (exit 3). */
import { getEntry } from "../api/endpoints.ts";
import { ENTRY_STATUSES } from "../api/schemas.ts";
import { type ApiFlags, apiContext } from "../context.ts";
import { readExistingIndex } from "../index-file.ts";
import { MIN_ITEMS_FOR_BAR, startProgress } from "../progress.ts";
import { CliError, EXIT_NOT_YET, UsageError } from "../usage-error.ts";
import { type TargetStatus, type Tracked, Tracker } from "../watch/tracker.ts";

export interface WatchOptions extends ApiFlags {
  readonly index?: string;
  readonly until: TargetStatus;
  readonly timeout: number;
  readonly interval: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
}

/** `3 final, 2 sequenced`: how many entries are at each status, most advanced first. */
function tally(entries: readonly Tracked[]): string {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.status, (counts.get(entry.status) ?? 0) + 1);
  return [...ENTRY_STATUSES, "unknown" as const]
    .toReversed()
    .filter((status) => counts.has(status))
    .map((status) => `${counts.get(status)} ${status}`)
    .join(", ");
}

export async function runWatch(ids: readonly string[], options: WatchOptions): Promise<number> {
  if (ids.length > 0 === (options.index !== undefined)) {
    throw new UsageError("give entry ids or --index <file>, not both and not neither");
  }
  const { api } = await apiContext(options, true);
  const watched =
    ids.length > 0
      ? ids
      : (await readExistingIndex(options.index ?? "")).map((record) => record.id);
  const target = options.until;
  const perEntryLines = !process.stderr.isTTY && new Set(watched).size < MIN_ITEMS_FOR_BAR;
  let changed = false;
  const tracker = new Tracker(
    watched,
    target,
    (id) => getEntry(api, id),
    (entry) => {
      changed = true;
      if (perEntryLines) {
        const leaf =
          entry.leafIndex === undefined ? "" : ` (leaf ${entry.leafIndex} of ${entry.ledger})`;
        process.stderr.write(`${entry.id} ${entry.status}${leaf}\n`);
      }
    },
  );
  const total = tracker.entries.length;
  const bar = await startProgress(`until ${target}`.padEnd(10), total);
  const started = Date.now();
  let shown = 0;
  try {
    for (;;) {
      changed = false;
      await tracker.round();
      const done = total - tracker.remaining().length;
      bar.advance(done - shown, tally(tracker.entries));
      shown = done;
      if (changed && !perEntryLines && !process.stderr.isTTY) {
        process.stderr.write(`watch: ${done}/${total} ${target} (${tally(tracker.entries)})\n`);
      }
      if (done === total) break;
      if (Date.now() - started + options.interval > options.timeout) {
        const left = tracker.remaining();
        throw new CliError(
          `timed out after ${formatDuration(options.timeout)}: ${left.length} of ${total} entries are not ${target} (${tally(left)}); run stele watch again to keep waiting`,
          EXIT_NOT_YET,
        );
      }
      await sleep(options.interval);
    }
  } finally {
    bar.stop();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `${total === 1 ? "the entry is" : `all ${total} entries are`} ${target} (after ${seconds} s, ${tracker.requests} status requests)\n`,
  );
  return 0;
}
