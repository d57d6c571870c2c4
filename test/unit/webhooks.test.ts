// The pure parts of webhooks: the Stele-Signature header (a known answer, the README snippet
// agreeing with the domain's check, any change failing), the retry schedule, which URLs a
// webhook may have, and event ids that do not depend on when they are made.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { newWebhookSecret } from "../../shared/app/webhooks/manage-webhook.ts";
import {
  afterFailure,
  DELIVERY_WINDOW_MS,
  hopDelaySeconds,
  retryDelayMs,
} from "../../shared/domain/webhooks/delivery-schedule.ts";
import { webhookEventBody, webhookEventId } from "../../shared/domain/webhooks/webhook-event.ts";
import {
  signatureHeader,
  verifySignatureHeader,
} from "../../shared/domain/webhooks/webhook-signature.ts";
import { webhookUrlProblem } from "../../shared/domain/webhooks/webhook-url.ts";
import { verifySteleSignature } from "../support/webhooks/verify-snippet.ts";

describe("Stele-Signature", () => {
  it("matches a known answer", () => {
    // printf '%s' '1700000000.{"id":"x"}' | openssl dgst -sha256 -hmac 'whsec_test'
    assert.equal(
      signatureHeader("whsec_test", 1700000000, '{"id":"x"}'),
      "t=1700000000,v1=80e8d098018f757aa814ab1abb924f35d304affa1d93d29611a54696207eb7c3",
    );
  });

  it("verifies with the README's snippet and the domain check alike; any change fails both", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.string({ minLength: 1 }),
        (secret, body, t, change) => {
          const header = signatureHeader(secret, t, body);
          assert.equal(verifySteleSignature(secret, header, body, t), true);
          assert.deepEqual(verifySignatureHeader(secret, header, body, t), {
            ok: true,
            timestampSeconds: t,
          });
          for (const [s, h, b] of [
            [secret + change, header, body],
            [secret, header, body + change],
            [secret, header.replace(`t=${t}`, `t=${t + 1}`), body],
          ] as const) {
            assert.equal(verifySteleSignature(s, h, b, t), false);
            assert.equal(verifySignatureHeader(s, h, b, t).ok, false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses a signature older (or newer) than the tolerance, and a malformed header", () => {
    const header = signatureHeader("whsec_a", 1000, "{}");
    assert.deepEqual(verifySignatureHeader("whsec_a", header, "{}", 1301), {
      ok: false,
      reason: "too-old",
    });
    assert.deepEqual(verifySignatureHeader("whsec_a", header, "{}", 699), {
      ok: false,
      reason: "too-old",
    });
    assert.equal(verifySignatureHeader("whsec_a", header, "{}", 1300).ok, true);
    for (const bad of ["", "t=1000", "v1=00", "t=x,v1=00", "t=1000,v1=zz"]) {
      assert.equal(verifySignatureHeader("whsec_a", bad, "{}", 1000).ok, false, bad);
      assert.equal(verifySteleSignature("whsec_a", bad, "{}", 1000), false, bad);
    }
  });

  it("makes 256-bit base64url secrets prefixed whsec_", () => {
    const secret = newWebhookSecret({ bytes: (n) => new Uint8Array(n).fill(0xfb) });
    assert.equal(secret, `whsec_${Buffer.alloc(32, 0xfb).toString("base64url")}`);
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  });
});

describe("retry schedule", () => {
  it("doubles from 30 s to an hour", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 50].map(retryDelayMs),
      [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600].map((s) => s * 1000),
    );
  });

  it("retries within 24 hours of the first attempt, one last time at 24 h, then gives up", () => {
    assert.deepEqual(afterFailure(1, 0, 0), { kind: "retry", notBeforeMs: 30_000 });
    assert.deepEqual(afterFailure(20, 0, DELIVERY_WINDOW_MS - 1000), {
      kind: "retry",
      notBeforeMs: DELIVERY_WINDOW_MS,
    });
    assert.deepEqual(afterFailure(21, 0, DELIVERY_WINDOW_MS), { kind: "give-up" });
  });

  it("waits at most SQS's 900 s per hop", () => {
    assert.equal(hopDelaySeconds(3_600_000, 0), 900);
    assert.equal(hopDelaySeconds(1_500, 0), 2);
    assert.equal(hopDelaySeconds(0, 5_000), 0);
  });
});

describe("webhook URLs", () => {
  it("takes https, and http to loopback only where allowed", () => {
    assert.equal(webhookUrlProblem("https://example.com/hook?x=1", false), undefined);
    assert.equal(webhookUrlProblem("http://127.0.0.1:8080/hook", true), undefined);
    assert.equal(webhookUrlProblem("http://localhost/hook", true), undefined);
    assert.equal(webhookUrlProblem("http://127.0.0.1:8080/hook", false), "an https URL");
    assert.match(webhookUrlProblem("http://example.com/hook", true) ?? "", /https/);
    assert.match(webhookUrlProblem("https://a:b@example.com/", false) ?? "", /password/);
    assert.match(webhookUrlProblem("https://example.com/#x", false) ?? "", /fragment/);
    assert.match(webhookUrlProblem("example.com/hook", false) ?? "", /absolute/);
  });

  it("refuses hosts of the deployment's own network, in any spelling, outside the local stack", () => {
    const refused: [string, RegExp][] = [
      ["https://10.1.2.3/hook", /not 10\.1\.2\.3 \(private, 10\.0\.0\.0\/8\)/],
      ["https://172.16.0.1/", /private, 172\.16\.0\.0\/12/],
      ["https://172.31.255.255/", /private, 172\.16\.0\.0\/12/],
      ["https://192.168.1.1:8443/", /private, 192\.168\.0\.0\/16/],
      ["https://127.0.0.1/", /loopback, 127\.0\.0\.0\/8/],
      ["https://127.8.9.10./", /loopback/],
      ["https://0x7f.1/", /not 127\.0\.0\.1 \(loopback/],
      ["https://2130706433/", /not 127\.0\.0\.1 \(loopback/],
      ["https://%31%32%37.0.0.1/", /loopback/],
      ["https://169.254.169.254/latest/meta-data", /link-local, 169\.254\.0\.0\/16/],
      ["https://100.64.0.1/", /carrier-grade NAT, 100\.64\.0\.0\/10/],
      ["https://100.127.255.255/", /carrier-grade NAT/],
      ["https://0.0.0.0/", /unspecified/],
      ["https://[::]/", /unspecified, ::/],
      ["https://[::1]/", /loopback, ::1/],
      ["https://[fd12:3456::1]/", /private, fc00::\/7/],
      ["https://[fc00::1]/", /private, fc00::\/7/],
      ["https://[fe80::1]/", /link-local, fe80::\/10/],
      ["https://[febf:ffff::1]/", /link-local, fe80::\/10/],
      // IPv4 written as IPv6 reaches the IPv4 address.
      ["https://[::ffff:10.0.0.1]/", /private, 10\.0\.0\.0\/8/],
      ["https://[::ffff:169.254.169.254]/", /link-local/],
      ["https://[64:ff9b::a9fe:a9fe]/", /link-local/],
      ["https://[::127.0.0.1]/", /loopback/],
      ["https://localhost/", /a loopback name/],
      ["https://LocalHost./", /a loopback name/],
      ["https://app.localhost/", /a loopback name/],
      ["https://metadata.google.internal/", /an internal name/],
      ["https://ip-10-0-0-1.eu-central-1.compute.internal./", /an internal name/],
    ];
    for (const [url, reason] of refused) {
      const problem = webhookUrlProblem(url, false);
      assert.match(problem ?? "", /^an https URL of a public host, not /, url);
      assert.match(problem ?? "", reason, url);
    }
    for (const url of [
      "https://8.8.8.8/hook",
      "https://11.0.0.1/",
      "https://172.15.255.255/",
      "https://172.32.0.1/",
      "https://192.169.0.1/",
      "https://100.63.255.255/",
      "https://100.128.0.1/",
      "https://169.255.0.1/",
      "https://[2001:db8::1]/",
      "https://[fec0::1]/",
      "https://[::ffff:8.8.8.8]/",
      "https://internal.example.com/",
      "https://localhost.example.com/",
      "https://example.com.internal.example/",
    ]) {
      assert.equal(webhookUrlProblem(url, false), undefined, url);
    }
    // The local stack and tests: their receivers are on this machine.
    assert.equal(webhookUrlProblem("https://10.1.2.3/hook", true), undefined);
    assert.equal(webhookUrlProblem("https://localhost:8443/hook", true), undefined);
  });
});

describe("webhook events", () => {
  it("have ids from what they report, the same whenever made", () => {
    const anchor = {
      chainId: 31337,
      contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      treeSize: 12,
      rootHash: "ab".repeat(32),
      attempt: 1,
      txHash: `0x${"cd".repeat(32)}`,
      blockNumber: 7,
      blockHash: `0x${"ef".repeat(32)}`,
    };
    const batchId = "01JDX7R4M8Q2V3N5P6K7H8J900";
    assert.equal(
      webhookEventId({ type: "entry.sequenced", ledger: "default", batchId, treeSize: 12 }),
      `entry.sequenced:${batchId}`,
    );
    assert.equal(
      webhookEventId({ type: "entry.final", ledger: "default", batchId, anchor }),
      `entry.final:${batchId}:31337:12:1`,
    );
    const reorged = { type: "anchor.reorged", ledger: "shelf", anchor } as const;
    assert.equal(webhookEventId(reorged), "anchor.reorged:shelf:31337:12:1");
    assert.deepEqual(webhookEventBody(reorged, "2026-11-24T10:00:00.000Z", undefined), {
      id: "anchor.reorged:shelf:31337:12:1",
      type: "anchor.reorged",
      createdAt: "2026-11-24T10:00:00.000Z",
      data: { ledger: "shelf", anchor },
    });
  });
});
