/** Port: the checkpoint key. In AWS it lives in KMS; locally a software key (dev only). */
export interface CheckpointSigner {
  /** The key's Ethereum address (0x, EIP-55 checksummed): the log's published signer. */
  address(): Promise<string>;
  /**
   * An EIP-191 personal_sign over `message`: 65 bytes r || s || v as 0x hex, s in the low
   * half of the curve order, v 27 or 28, so `ethers.verifyMessage(message, value)` returns
   * `address()`.
   */
  signPersonalMessage(message: Uint8Array): Promise<string>;
}
