/** What an offline check of an exported log found wrong, file by file. */

/** One thing that does not hold: in which file, what, and what was expected against found. */
export interface LogFailure {
  readonly file: string;
  readonly detail: string;
  readonly expected: string;
  readonly found: string;
}

/** At most this many failures are kept: one bad leaf can make every later root differ. */
const MAX_FAILURES = 1000;

/** Failures in the order found. */
export class Findings {
  readonly failures: LogFailure[] = [];
  add(file: string, detail: string, expected: string, found: string): void {
    if (this.failures.length < MAX_FAILURES) this.failures.push({ file, detail, expected, found });
  }
}

/** The first line of a thrown error's message, for a failure's "found". */
export function firstLine(error: unknown): string {
  return ((error as Error).message ?? String(error)).split("\n")[0] ?? "";
}
