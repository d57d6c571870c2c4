/** The machine's clock and randomness behind the Clock and RandomSource ports. */
import { randomBytes } from "node:crypto";
import type { Clock } from "../../ports/clock.ts";
import type { RandomSource } from "../../ports/random-source.ts";

export const systemClock: Clock = { nowMs: () => Date.now() };

export const systemRandom: RandomSource = {
  bytes: (length) => new Uint8Array(randomBytes(length)),
};
