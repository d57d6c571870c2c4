/** The user's command line or input files are unusable; the CLI exits 2 with the message. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Anything else the CLI reports as one line `stele: <message>` and exits with `exitCode`:
 * the service refused, could not be reached, or what was asked for is not there yet.
 */
export class CliError extends Error {
  override name = "CliError";
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT_USAGE, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
/** Usage, unreadable input, or no answer (the API or an RPC endpoint failed): no verdict. */
export const EXIT_USAGE = 2;
/** Not there yet: a proof not covered by a checkpoint (425), `stele watch` timed out. */
export const EXIT_NOT_YET = 3;
