/** A progress bar on stderr when a person watches (stderr is a TTY) and the job is long enough. */
export interface Progress {
  advance(by?: number, status?: string): void;
  stop(): void;
}

/** Below this many items a bar would flash by: no bar. */
export const MIN_ITEMS_FOR_BAR = 20;

const QUIET: Progress = { advance: () => undefined, stop: () => undefined };

/** A bar labelled `label` counting to `total`, or a silent stand-in when no one would see it. */
export async function startProgress(label: string, total: number): Promise<Progress> {
  if (!process.stderr.isTTY || total < MIN_ITEMS_FOR_BAR) return QUIET;
  const { default: cliProgress } = await import("cli-progress");
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total} {status}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { status: "" });
  return {
    advance: (by = 1, status) => bar.increment(by, status === undefined ? {} : { status }),
    stop: () => bar.stop(),
  };
}
