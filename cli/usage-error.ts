/** The user's command line or input files are unusable; the CLI exits 2 with the message. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
