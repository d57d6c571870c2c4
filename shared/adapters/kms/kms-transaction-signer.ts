import type { KMSClient } from "@aws-sdk/client-kms";
import {
  AbstractSigner,
  copyRequest,
  getAddress,
  getBytes,
  hashMessage,
  makeError,
  type Provider,
  resolveAddress,
  resolveProperties,
  Transaction,
  type TransactionLike,
  type TransactionRequest,
  type TypedDataDomain,
  TypedDataEncoder,
  type TypedDataField,
} from "ethers";
import { toRsvHex } from "../../domain/crypto/secp256k1-signature.ts";
import { KmsKeyError, type KmsKeyOperation, KmsSecp256k1Key } from "./kms-secp256k1-key.ts";

export interface KmsTransactionSignerOptions {
  /** Built once at cold start and shared; this adapter never builds its own. */
  readonly client: KMSClient;
  /** Key id, key ARN, alias name or alias ARN of an ECC_SECG_P256K1 SIGN_VERIFY key. */
  readonly keyId: string;
}

/**
 * A KMS call for the anchor key failed or answered something unusable, or a request was refused
 * before KMS was asked (a transaction `from` another address); `cause` says why.
 */
export class KmsAnchorKeyError extends KmsKeyError {
  constructor(keyId: string, operation: KmsKeyOperation, message: string, options?: ErrorOptions) {
    super("anchor", keyId, operation, message, options);
  }
}

/**
 * The anchor key in AWS KMS as an ethers v6 signer: transactions (legacy, EIP-2930, EIP-1559 and
 * any other type ethers serialises), EIP-191 messages and EIP-712 typed data are hashed here and
 * the 32-byte digest is signed by KMS `Sign` (MessageType DIGEST), then made Ethereum-shaped (low
 * s, yParity by recovery) by the shared secp256k1 module. The key never leaves KMS; the public
 * key is fetched once per signer and shared with every signer `connect` derives from it.
 */
export class KmsTransactionSigner extends AbstractSigner {
  readonly #options: KmsTransactionSignerOptions;
  #key: KmsSecp256k1Key;

  constructor(options: KmsTransactionSignerOptions, provider?: Provider | null) {
    super(provider ?? null);
    this.#options = options;
    const { client, keyId } = options;
    this.#key = new KmsSecp256k1Key({
      client,
      keyId,
      error: (operation, message, errorOptions) =>
        new KmsAnchorKeyError(keyId, operation, message, errorOptions),
    });
  }

  /** The key id, key ARN or alias this signer was built with. */
  get keyId(): string {
    return this.#key.keyId;
  }

  /** EIP-55 address of the KMS key (GetPublicKey once; concurrent first callers share it). */
  override async getAddress(): Promise<string> {
    return this.#key.address();
  }

  /** The same KMS key (and its cached public key) over `provider`. */
  override connect(provider: Provider | null): KmsTransactionSigner {
    const connected = new KmsTransactionSigner(this.#options, provider);
    connected.#key = this.#key; // one GetPublicKey for the key, however many providers
    return connected;
  }

  /**
   * The serialized signed transaction: addresses (and ENS names, with a provider) in `to` and
   * `from` are resolved, a `from` that is not this key is refused before KMS is asked, and the
   * unsigned hash (keccak-256 of the unsigned serialization) is signed by KMS.
   */
  override async signTransaction(tx: TransactionRequest): Promise<string> {
    const request = copyRequest(tx);
    const { to, from } = await resolveProperties({
      to: request.to == null ? undefined : resolveAddress(request.to, this),
      from: request.from == null ? undefined : resolveAddress(request.from, this),
    });
    if (from != null) {
      const address = await this.getAddress();
      if (getAddress(from) !== address) {
        throw new KmsAnchorKeyError(
          this.#key.keyId,
          "Sign",
          `refused to sign a transaction from ${from}: this key's address is ${address}`,
        );
      }
    }
    const unsigned: TransactionLike<string> = { ...request, to: to ?? null, from: null };
    const transaction = Transaction.from(unsigned);
    transaction.signature = toRsvHex(
      await this.#key.signDigest(getBytes(transaction.unsignedHash)),
    );
    return transaction.serialized;
  }

  /** EIP-191 personal_sign of `message` (a string is UTF-8 encoded): 0x r ‖ s ‖ v, v 27/28. */
  override async signMessage(message: string | Uint8Array): Promise<string> {
    return toRsvHex(await this.#key.signDigest(getBytes(hashMessage(message))));
  }

  /** EIP-712 signature (0x r ‖ s ‖ v) of `value`; ENS names in it are resolved by the provider. */
  override async signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    const populated = await TypedDataEncoder.resolveNames(domain, types, value, async (name) => {
      const address = await this.resolveName(name); // throws without a provider
      if (address === null) {
        throw makeError("unconfigured ENS name", "UNCONFIGURED_NAME", { value: name });
      }
      return address;
    });
    const digest = TypedDataEncoder.hash(populated.domain, types, populated.value);
    return toRsvHex(await this.#key.signDigest(getBytes(digest)));
  }
}
