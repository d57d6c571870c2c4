// The limits in front of the local API, through its real HTTP server: per-client throttling
// (local/rate-limit.ts, API Gateway's stage throttle in AWS) answering 429 with Retry-After and
// problem+json, and the request size limit answering 413 without taking in the whole body.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type LocalStack, startLocalStack } from "../../local/stack.ts";
import { loadConfig } from "../../shared/config.ts";
import { sha256Hex } from "../../shared/http/auth.ts";
import { MAX_BODY_BYTES } from "../../shared/http/request.ts";
import { createStore } from "../../shared/wiring.ts";

// The buckets' clock is the test's: it stands still while requests are answered, however slow
// the machine, and moves only when the test moves it.
let clockMs = 1_000_000;
const LIMIT = { perSecond: 1, burst: 5, nowMs: () => clockMs };
const OTHER_KEY = `stele_other_${randomBytes(16).toString("hex")}`;

let dataDir: string;
let stack: LocalStack;
const logLines: string[] = [];

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "stele-rate-limit-"));
  stack = await startLocalStack({
    dataDir,
    port: 0,
    integrateIntervalMs: 3_600_000,
    originPrefix: "stele.test",
    log: (line) => logLines.push(line),
    page: false,
    rateLimit: LIMIT,
  });
  await createStore(loadConfig(process.env)).putApiKey({
    keyHash: sha256Hex(OTHER_KEY),
    keyId: "other",
    scopes: ["read", "write"],
    label: "rate limit test",
  });
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function submit(
  key: string,
  body = JSON.stringify({ entries: [{ kind: "transaction", payload: { n: 1 } }] }),
) {
  return fetch(`${stack.url}/v1/entries`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body,
  });
}

/** Sends `count` requests at once; their statuses, sorted. */
async function burst(count: number, send: () => Promise<Response>): Promise<number[]> {
  const answers = await Promise.all(
    Array.from({ length: count }, async () => {
      const response = await send();
      await response.arrayBuffer();
      return response.status;
    }),
  );
  return answers.sort();
}

describe("throttling in front of the local API", () => {
  it("lets a burst through, then answers 429 with Retry-After and a problem, per client", async () => {
    assert.deepEqual(
      await burst(LIMIT.burst, () => submit(stack.apiKey)),
      [202, 202, 202, 202, 202],
    );
    const refused = await submit(stack.apiKey, "x".repeat(1024 * 1024));
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("content-type"), "application/problem+json");
    const retryAfter = Number(refused.headers.get("retry-after"));
    assert.equal(retryAfter, 1);
    const problem = (await refused.json()) as Record<string, unknown>;
    assert.equal(problem.status, 429);
    assert.equal(problem.title, "Too Many Requests");
    assert.equal(problem.type, "about:blank");
    assert.match(String(problem.detail), /at most 1 per second per client, in bursts of up to 5/);

    // Another key, and a caller without one (its address), have buckets of their own.
    assert.equal((await submit(OTHER_KEY)).status, 202);
    const anonymous = await fetch(`${stack.url}/v1/health`);
    assert.equal(anonymous.status, 200);
    // The local queue endpoint is a stand-in for SQS, not the API: never throttled.
    assert.equal((await fetch(`${stack.url}/_local/queue`)).status, 200);

    // A browser of another origin can read the refusal (and its Retry-After).
    const fromPage = await fetch(`${stack.url}/v1/proofs?contentHash=${"0".repeat(64)}`, {
      headers: { authorization: `Bearer ${stack.apiKey}`, origin: "https://verify.example" },
    });
    assert.equal(fromPage.status, 429);
    assert.equal(fromPage.headers.get("access-control-allow-origin"), "*");
    assert.match(fromPage.headers.get("access-control-expose-headers") ?? "", /retry-after/i);
    await fromPage.arrayBuffer();

    // Waiting as told is enough for the next request, and only for one.
    clockMs += retryAfter * 1000;
    assert.equal((await submit(stack.apiKey)).status, 202);
    assert.equal((await submit(stack.apiKey)).status, 429);
  });

  it("holds a client to the sustained rate, even one whose key is invented", async () => {
    // A token never seen: a full bucket of its own, spent on 401s.
    const invented = `stele_${randomBytes(16).toString("hex")}`;
    assert.deepEqual(
      await burst(LIMIT.burst + 1, () => submit(invented)),
      [401, 401, 401, 401, 401, 429],
    );
    // Then one request every 250 ms for 2.5 s (by the buckets' clock): a token comes in at 1 s
    // and at 2 s, and only those two requests get through.
    const statuses: number[] = [];
    for (let step = 1; step <= 10; step++) {
      clockMs += 250;
      statuses.push(...(await burst(1, () => submit(invented))));
    }
    assert.deepEqual(statuses, [429, 429, 429, 401, 429, 429, 429, 401, 429, 429]);
  });

  it("logged nothing while refusing", () => {
    assert.deepEqual(
      logLines.filter((line) => line.startsWith("error")),
      [],
    );
  });
});

describe("the request size limit of the local API", () => {
  it("answers 413 to a body past the limit, having read no more than the limit", async () => {
    // The other key has tokens left for these two.
    const answer = await submit(OTHER_KEY, "x".repeat(MAX_BODY_BYTES + 1));
    assert.equal(answer.status, 413);
    const problem = (await answer.json()) as Record<string, unknown>;
    assert.equal(problem.title, "Content Too Large");

    // A body that never ends (chunked, no Content-Length): refused once past the limit.
    const url = new URL(stack.url);
    const streamed = await new Promise<{ status: number; sentBytes: number }>((resolve, reject) => {
      let sentBytes = 0;
      const sending = request(
        {
          host: url.hostname,
          port: url.port,
          path: "/v1/entries",
          method: "POST",
          headers: { authorization: `Bearer ${OTHER_KEY}`, "content-type": "application/json" },
        },
        (response) => {
          response.resume();
          resolve({ status: response.statusCode ?? 0, sentBytes });
          sending.destroy();
        },
      );
      sending.on("error", (error) => {
        if (sentBytes === 0) reject(error);
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sentBytes < 20 * MAX_BODY_BYTES && !sending.destroyed) {
          sentBytes += chunk.length;
          if (!sending.write(chunk)) {
            sending.once("drain", pump);
            return;
          }
        }
        sending.end();
      };
      pump();
    });
    assert.equal(streamed.status, 413);
    assert.ok(streamed.sentBytes < 3 * MAX_BODY_BYTES, `${streamed.sentBytes} bytes were sent`);
  });
});
