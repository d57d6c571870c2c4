/** Commander argument parsers shared by the commands: each refuses with what it wants. */
import { InvalidArgumentError } from "commander";

export function positiveInteger(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError("must be a whole number of at least 1");
  }
  return Number(value);
}

export function wholeNumber(value: string): number {
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError("must be a whole number");
  }
  return Number(value);
}

export function ethereumAddress(value: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value))
    throw new InvalidArgumentError("must be an address: 0x and 40 hex characters");
  return value;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `90s`, `30m`, `2h`, or a bare number of seconds, as milliseconds. */
export function durationMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (match === null) throw new InvalidArgumentError("must be a duration such as 90s, 30m or 2h");
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? "s"] ?? 1000);
  if (!(ms > 0)) throw new InvalidArgumentError("must be longer than 0");
  return Math.round(ms);
}

/** Commander collector: each use of a repeatable option adds one value. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
