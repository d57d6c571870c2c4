// The local stack's token buckets (local/rate-limit.ts) on a clock the test moves.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientId, RateLimiter } from "../../local/rate-limit.ts";

describe("local rate limiter", () => {
  it("allows the burst, then one request per 1/rate seconds, and says how long to wait", () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 50, burst: 100 }, () => now);
    for (let i = 0; i < 100; i++) assert.equal(limiter.take("a").allowed, true, `request ${i}`);
    assert.deepEqual(limiter.take("a"), { allowed: false, retryAfterSeconds: 1 });
    assert.equal(limiter.take("b").allowed, true, "another client has its own bucket");
    now += 20; // one token at 50/s
    assert.equal(limiter.take("a").allowed, true);
    assert.equal(limiter.take("a").allowed, false);
    now += 60_000;
    for (let i = 0; i < 100; i++) assert.equal(limiter.take("a").allowed, true, "full again");
    assert.equal(limiter.take("a").allowed, false, "never past the burst");
  });

  it("rounds Retry-After up to whole seconds at slow rates", () => {
    const limiter = new RateLimiter({ perSecond: 0.25, burst: 1 }, () => 0);
    assert.equal(limiter.take("a").allowed, true);
    assert.deepEqual(limiter.take("a"), { allowed: false, retryAfterSeconds: 4 });
  });

  it("keeps memory bounded whatever the number of clients", () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 1, burst: 2 }, () => now);
    for (let i = 0; i < 25_000; i++) {
      limiter.take(`client-${i}`);
      now += 1;
    }
    assert.ok(limiter.clients <= 10_000, `${limiter.clients} buckets`);
  });

  it("refuses a limit that would let nothing through", () => {
    assert.throws(() => new RateLimiter({ perSecond: 0, burst: 10 }), /perSecond > 0/);
    assert.throws(() => new RateLimiter({ perSecond: 10, burst: 0 }), /burst >= 1/);
  });

  it("names a client by its key's hash, never the key, else by its address", () => {
    const key = "stele_dev_secret_key_0123456789";
    const id = clientId({ authorization: `Bearer ${key}` }, "127.0.0.1");
    assert.match(id, /^key:[0-9a-f]{64}$/);
    assert.ok(!id.includes(key));
    assert.equal(clientId({}, "10.0.0.7"), "address:10.0.0.7");
    assert.equal(clientId({ authorization: "Basic abc" }, "10.0.0.7"), "address:10.0.0.7");
  });
});
