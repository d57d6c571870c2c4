/** Port: randomness (ULID entropy), injected so tests can make it repeatable. */
export interface RandomSource {
  /** `length` uniformly random bytes. */
  bytes(length: number): Uint8Array;
}
