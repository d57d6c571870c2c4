/**
 * The peers bench/peers.ts compares against are RFC 6962 before any figure is taken: merkletreejs
 * as configured there and @sigstore/verify agree with our tree and with Certificate
 * Transparency's published reference roots (the check the bench itself runs first).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkPeersAreRfc6962 } from "../../bench/peers.ts";

describe("bench peers", () => {
  it("merkletreejs (RFC 6962 configuration) and sigstore agree with ours and CT's roots", async () => {
    for (const leaves of [1, 2, 3, 255, 256, 257, 1000])
      await assert.doesNotReject(checkPeersAreRfc6962(leaves), `${leaves} leaves`);
  });
});
