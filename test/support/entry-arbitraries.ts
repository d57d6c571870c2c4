// fast-check generators of API entries, shared by the HTTP and SQS fuzz tests.
import fc from "fast-check";

/** 64 lowercase hex characters: a well-formed contentHash. */
export const hex64 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => Buffer.from(bytes).toString("hex"));

/** A document given by its bytes (base64), small enough to keep runs fast. */
export const documentByContent = fc.record({
  kind: fc.constant("document"),
  content: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString("base64")),
});

/** A transaction with a shallow JSON payload. */
export const transaction = fc.record({
  kind: fc.constant("transaction"),
  payload: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
});

/** A document by hash, with contentHash and clientRef drawn from the given generators. */
export function documentByHash(contentHash: fc.Arbitrary<string>, clientRefMaxLength: number) {
  return fc.record(
    {
      kind: fc.constant("document"),
      contentHash,
      clientRef: fc.string({ maxLength: clientRefMaxLength }),
    },
    { requiredKeys: ["kind", "contentHash"] },
  );
}
