// The content key of encrypted retention in the synthesised stacks: symmetric and rotated, its
// policy the only grant of its use — accept-entries makes data keys, entry-content unwraps them,
// both only for retained content (the encryption context), nobody else either — and the two
// functions configured for it.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { FunctionName } from "../../infra/catalog.ts";
import { FUNCTION_NAMES } from "../../infra/catalog.ts";
import { CONTENT_ENCRYPTION_CONTEXT } from "../../shared/adapters/kms/kms-data-keys.ts";
import { loadConfig } from "../../shared/config.ts";
import {
  actionsOf,
  arnOf,
  type CfnJson,
  logicalId,
  policyDocuments,
  prop,
  resolvedEnvironment,
  resourcesOf,
  type Statement,
  type Synthesised,
  synthesise,
} from "./synth.ts";

let dev: Synthesised;
let prod: Synthesised;

before(() => {
  dev = synthesise("dev");
  prod = synthesise("prod");
});

const both = () =>
  [
    ["dev", dev],
    ["prod", prod],
  ] as const;

function resource(s: Synthesised, id: string): CfnJson {
  const found = s.json.Resources[id];
  assert.ok(found !== undefined, `no resource ${id}`);
  return found;
}

function keyId(s: Synthesised): string {
  return logicalId(s.stack, s.stack.contentKey.key);
}

function roleArn(s: Synthesised, name: FunctionName) {
  return arnOf(logicalId(s.stack, s.stack.functions.byName[name].role));
}

function keyStatements(s: Synthesised): Statement[] {
  return prop<{ Statement: Statement[] }>(resource(s, keyId(s)), "KeyPolicy").Statement;
}

const CONTEXT_CONDITION = {
  StringEquals: Object.fromEntries(
    Object.entries(CONTENT_ENCRYPTION_CONTEXT).map(([k, v]) => [`kms:EncryptionContext:${k}`, v]),
  ),
};

describe("the content key", () => {
  test("symmetric, rotated; kept in prod, destroyed with a dev stack", () => {
    for (const [stage, s] of both()) {
      const key = resource(s, keyId(s));
      assert.equal(key.Properties?.KeySpec ?? "SYMMETRIC_DEFAULT", "SYMMETRIC_DEFAULT");
      assert.equal(key.Properties?.KeyUsage ?? "ENCRYPT_DECRYPT", "ENCRYPT_DECRYPT");
      assert.equal(key.Properties?.EnableKeyRotation, true);
      assert.equal(key.DeletionPolicy, stage === "prod" ? "Retain" : "Delete");
    }
  });

  test("only accept-entries makes data keys, only entry-content unwraps, both with the context", () => {
    for (const [, s] of both()) {
      const statements = keyStatements(s);
      const uses = statements.filter((st) =>
        actionsOf(st).some((a) => a !== "kms:DescribeKey" && /Decrypt|Generate|Encrypt/.test(a)),
      );
      assert.deepEqual(
        uses.map((st) => [st.Effect, st.Principal, actionsOf(st), st.Condition]),
        [
          [
            "Allow",
            { AWS: roleArn(s, "accept-entries") },
            ["kms:GenerateDataKey"],
            CONTEXT_CONDITION,
          ],
          ["Allow", { AWS: roleArn(s, "entry-content") }, ["kms:Decrypt"], CONTEXT_CONDITION],
        ],
      );
    }
  });

  test("no IAM policy names the content key (its key policy alone decides)", () => {
    for (const [, s] of both()) {
      for (const document of policyDocuments(s.json).filter((doc) => doc.kind === "iam")) {
        for (const statement of document.statements) {
          assert.ok(
            !JSON.stringify(resourcesOf(statement)).includes(keyId(s)),
            `${document.where} names the content key`,
          );
        }
      }
    }
  });

  test("accept-entries and entry-content use it through KMS; no other function is told of it", () => {
    for (const [, s] of both()) {
      for (const name of FUNCTION_NAMES) {
        const fn = resource(s, logicalId(s.stack, s.stack.functions.byName[name].fn));
        const config = loadConfig({ ...resolvedEnvironment(fn), AWS_REGION: "eu-central-1" });
        const uses = name === "accept-entries" || name === "entry-content";
        assert.equal(config.STELE_CONTENT_CIPHER, uses ? "kms" : "off", name);
        assert.equal(config.STELE_CONTENT_KEY_ID !== undefined, uses, name);
        assert.equal(config.STELE_DEV_CONTENT_KEY, undefined, name);
      }
    }
  });
});
