// The checkpoint as a C2SP signed note: layout, key ID and the signature it carries.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { Wallet } from "ethers";
import { fromHex, toBase64 } from "../../shared/domain/bytes.ts";
import { checkpointBody } from "../../shared/domain/proof/checkpoint.ts";
import {
  checkpointNote,
  eip191NoteSignature,
  noteKeyId,
  parseNote,
} from "../../shared/domain/proof/checkpoint-note.ts";

const wallet = new Wallet(`0x${"11".repeat(32)}`);
const origin = "stele.example.com/default";

async function signedCheckpoint() {
  const rootHash = new Uint8Array(32).fill(7);
  const body = checkpointBody(origin, 42, rootHash);
  return {
    origin,
    treeSize: 42,
    rootHash: "07".repeat(32),
    body,
    signature: {
      algorithm: "eip191-secp256k1" as const,
      signer: wallet.address,
      value: await wallet.signMessage(body),
    },
  };
}

describe("checkpoint notes", () => {
  it("derive the key ID as signed-note recommends for type 0xff", () => {
    const preimage = Buffer.concat([
      Buffer.from(`${origin}\n`),
      Buffer.from([0xff]),
      Buffer.from("eip191-secp256k1"),
      Buffer.from(wallet.address.slice(2), "hex"),
    ]);
    const expected = createHash("sha256").update(preimage).digest().subarray(0, 4);
    assert.deepEqual(noteKeyId(origin, wallet.address), new Uint8Array(expected));
    // The address's case does not change the key.
    assert.deepEqual(
      noteKeyId(origin, wallet.address.toLowerCase()),
      noteKeyId(origin, wallet.address),
    );
  });

  it("are the body, a blank line and one line: em dash, origin, base64(key ID || signature)", async () => {
    const checkpoint = await signedCheckpoint();
    const signature = Buffer.concat([
      Buffer.from(noteKeyId(origin, wallet.address)),
      Buffer.from(fromHex(checkpoint.signature.value.slice(2))),
    ]);
    assert.equal(
      checkpointNote(checkpoint),
      `${checkpoint.body}\n\u2014 ${origin} ${toBase64(new Uint8Array(signature))}\n`,
    );
  });

  it("give back the signed text and value for the known key, and ignore other keys", async () => {
    const checkpoint = await signedCheckpoint();
    const note = checkpointNote(checkpoint);
    assert.deepEqual(eip191NoteSignature(note, origin, wallet.address), {
      text: checkpoint.body,
      value: checkpoint.signature.value,
    });
    const other = new Wallet(`0x${"22".repeat(32)}`).address;
    assert.equal(eip191NoteSignature(note, origin, other), undefined);
    assert.equal(eip191NoteSignature(note, "another.example/log", wallet.address), undefined);
    // A witness's cosignature line beside ours is parsed and skipped.
    const cosigned = `${note}\u2014 witness.example/w1 ${toBase64(new Uint8Array(72))}\n`;
    assert.equal(parseNote(cosigned).signatures.length, 2);
    assert.equal(eip191NoteSignature(cosigned, origin, wallet.address)?.text, checkpoint.body);
  });

  it("refuse text that is not a signed note", () => {
    for (const bad of [
      "no blank line\n\u2014 a AAAAAAA=\n",
      `${origin}\n1\nAA==\n\n- ${origin} AAAAAAAA\n`, // a hyphen, not an em dash
      `${origin}\n1\nAA==\n\n\u2014 ${origin} AAAA\n`, // only a key ID
      `${origin}\n1\nAA==\n\n\u2014 ${origin} AAAAAAAA`, // no final newline
    ]) {
      assert.throws(() => parseNote(bad), /signed note|signature line|too short/, bad);
    }
  });
});
