// Puts an `Anchored(logId, treeSize, rootHash)` event on a real chain without the Anchor
// contract (which the anchoring issue brings): the init code of a contract creation emits it.

import { concat, getCreateAddress, id, type JsonRpcSigner, toBeHex, zeroPadValue } from "ethers";
import type { Anchor } from "../../../shared/domain/proof/bundle-schema.ts";

const PUSH32 = "0x7f";

/**
 * Init code whose constructor runs LOG3(topic0, logId, treeSize) with data = rootHash, then
 * stops, or reverts (which discards the log and fails the transaction).
 */
export function anchoredEmitterInitCode(
  origin: string,
  treeSize: number,
  rootHex: string,
  ending: "stop" | "revert" = "stop",
): string {
  return concat([
    PUSH32,
    `0x${rootHex}`,
    "0x6000",
    "0x52", // MSTORE(0, rootHash)
    PUSH32,
    zeroPadValue(toBeHex(treeSize), 32), // topic2: treeSize as a uint256 word
    PUSH32,
    id(origin), // topic1: logId = keccak256(origin)
    PUSH32,
    id("Anchored(bytes32,uint64,bytes32)"), // topic0
    "0x6020",
    "0x6000",
    "0xa3", // LOG3(offset 0, size 32, …)
    ending === "stop" ? "0x00" : "0x60006000fd", // STOP, or REVERT(0, 0)
  ]);
}

/**
 * Sends the emitter's creation and returns the anchor stanza a bundle would carry. With
 * `ending: "revert"` the transaction is mined but fails, and the stanza points at it anyway.
 */
export async function emitAnchored(
  signer: JsonRpcSigner,
  checkpoint: { origin: string; treeSize: number; rootHash: string },
  ending: "stop" | "revert" = "stop",
): Promise<Anchor> {
  const nonce = await signer.getNonce();
  const tx = await signer.sendTransaction({
    data: anchoredEmitterInitCode(
      checkpoint.origin,
      checkpoint.treeSize,
      checkpoint.rootHash,
      ending,
    ),
    // A fixed limit: estimating gas would refuse the reverting variant before it is sent.
    gasLimit: 200_000,
  });
  // tx.wait() throws for a failed transaction; the receipt is what a verifier reads.
  await tx.wait().catch(() => undefined);
  const receipt = await signer.provider.getTransactionReceipt(tx.hash);
  if (receipt === null) throw new Error(`no receipt for ${tx.hash}`);
  const network = await signer.provider.getNetwork();
  return {
    chainId: Number(network.chainId),
    contract: getCreateAddress({ from: await signer.getAddress(), nonce }),
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    blockHash: receipt.blockHash,
    logIndex: 0,
    status: "included",
  };
}
