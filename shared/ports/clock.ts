/** Port: the time, so domain and use cases never read the clock themselves. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}
