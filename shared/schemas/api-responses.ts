/**
 * The response bodies of spec/http-api-v1.md as zod schemas: the OpenAPI document is generated
 * from them, and the conformance test parses what the API serves with them. Objects are loose
 * because the contract fixes the fields it names and lets more be added.
 */
import * as z from "zod";
import { proofBundleSchema } from "../domain/proof/bundle-schema.ts";

const EXAMPLE_ID = "01JDX7R4M8Q2V3N5P6K7H8J9AB";
const EXAMPLE_HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const EXAMPLE_ROOT = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
const EXAMPLE_ORIGIN = "stele.example.com/default";
const EXAMPLE_SIGNER = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4";
const EXAMPLE_CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const EXAMPLE_SIGNATURE = `0x${"4f".repeat(64)}1b`;
const EXAMPLE_RECEIVED_AT = "2026-11-24T01:02:03.456Z";

const hash32Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "a 32-byte hash: 64 lowercase hex characters, no 0x");
const ethAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address: 0x and 40 hex characters");
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const entryKind = z.enum(["document", "transaction"]);

/** The fields every view of an entry has. */
const entryFields = {
  id: z.string().min(1).meta({ description: "The entry's id: a ULID, unique across ledgers." }),
  ledger: z.string().min(1),
  kind: entryKind,
  contentHash: hash32Hex.meta({
    description: "SHA-256 of the document, or of the RFC 8785 canonical JSON of the payload.",
  }),
  receivedAt: z.iso.datetime({ offset: true }).meta({ description: "RFC 3339 UTC." }),
  clientRef: z.string().max(128).optional().meta({ description: "As sent with the entry." }),
  subject: z.string().optional().meta({ description: "The subject it is an event of, as sent." }),
  eventType: z.string().optional().meta({ description: "What happened to the subject, as sent." }),
  retained: z.literal(true).optional().meta({
    description:
      'Sent with "retain": true: GET /v1/entries/{id}/content serves its content until erased.',
  }),
};

/** One entry of POST /v1/entries' answer: accepted, durable, not yet in the log. */
export const acceptedEntrySchema = z
  .looseObject({ ...entryFields, status: z.literal("pending") })
  .meta({ id: "AcceptedEntry", description: "An accepted entry, not yet sequenced." });

export const entriesAcceptedSchema = z
  .looseObject({
    entries: z.array(acceptedEntrySchema).meta({ description: "In request order." }),
  })
  .meta({
    id: "EntriesAccepted",
    description: "The accepted entries, in request order.",
    examples: [
      {
        entries: [
          {
            id: EXAMPLE_ID,
            ledger: "default",
            kind: "document",
            contentHash: EXAMPLE_HASH,
            receivedAt: EXAMPLE_RECEIVED_AT,
            status: "pending",
            clientRef: "invoice-1",
          },
        ],
      },
    ],
  });

/** GET /v1/entries/{id}: where the entry is on its way from accepted to final. */
export const entryViewSchema = z
  .looseObject({
    ...entryFields,
    status: z.enum(["pending", "sequenced", "anchored", "final"]).meta({
      description:
        "pending: accepted; sequenced: in the log under a signed checkpoint; anchored: a " +
        "checkpoint covering it is on chain; final: that anchor has its confirmations.",
    }),
    leafIndex: count.optional().meta({ description: "The entry's leaf index, once sequenced." }),
  })
  .meta({
    id: "EntryView",
    description: "An entry and its status.",
    examples: [
      {
        id: EXAMPLE_ID,
        ledger: "default",
        kind: "document",
        contentHash: EXAMPLE_HASH,
        receivedAt: EXAMPLE_RECEIVED_AT,
        status: "anchored",
        leafIndex: 41,
      },
    ],
  });

/** GET /v1/proofs?contentHash=…: "I have the file, where is its proof". */
export const proofsLookupSchema = z.looseObject({ entries: z.array(entryViewSchema) }).meta({
  id: "ProofsLookup",
  description: "The entries with that content hash (none: an empty list).",
  examples: [
    {
      entries: [
        {
          id: EXAMPLE_ID,
          ledger: "default",
          kind: "document",
          contentHash: EXAMPLE_HASH,
          receivedAt: EXAMPLE_RECEIVED_AT,
          status: "final",
          leafIndex: 41,
        },
      ],
    },
  ],
});

const exampleCheckpoint = {
  origin: EXAMPLE_ORIGIN,
  treeSize: 1000,
  rootHash: EXAMPLE_ROOT,
  body: `${EXAMPLE_ORIGIN}\n1000\nuU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=\n`,
  signature: { algorithm: "eip191-secp256k1", signer: EXAMPLE_SIGNER, value: EXAMPLE_SIGNATURE },
};

const exampleAnchor = {
  chainId: 31337,
  contract: EXAMPLE_CONTRACT,
  txHash: `0x${"a1".repeat(32)}`,
  blockNumber: 12,
  blockHash: `0x${"b2".repeat(32)}`,
  logIndex: 0,
  status: "final",
};

/** The proof bundle v1 of spec/proof-v1.md, as GET /v1/entries/{id}/proof serves it. */
export const proofBundleResponseSchema = proofBundleSchema.meta({
  id: "ProofBundle",
  description:
    "Proof bundle v1 (spec/proof-v1.md): verifies with that page, a JSON-RPC endpoint of " +
    "the chain and the log's published identity (GET /v1/log).",
  examples: [
    {
      format: "stele.proof.v1",
      entry: {
        id: EXAMPLE_ID,
        ledger: "default",
        kind: "document",
        contentHash: EXAMPLE_HASH,
        receivedAt: EXAMPLE_RECEIVED_AT,
      },
      leafIndex: 41,
      leafHash: "f5e2e4772f1744bf1360495cdedc4200385e149bd17aa2a42972d919d6774a5b",
      inclusionPath: [EXAMPLE_ROOT],
      checkpoint: exampleCheckpoint,
      anchors: [exampleAnchor],
    },
  ],
});

/** GET /v1/ledgers/{ledger}/checkpoint: the latest signed checkpoint and its anchors. */
export const checkpointWithAnchorsSchema = proofBundleSchema.shape.checkpoint
  .extend({ anchors: z.array(proofBundleSchema.shape.anchors.element) })
  .meta({
    id: "CheckpointWithAnchors",
    description:
      "A signed checkpoint (C2SP tlog-checkpoint body, EIP-191 signature) and its anchors: " +
      "empty until it is anchored.",
    examples: [{ ...exampleCheckpoint, anchors: [exampleAnchor] }],
  });

/** GET /v1/ledgers/{ledger}/consistency: RFC 9162 §2.1.4 consistency proof. */
export const consistencyProofSchema = z
  .looseObject({
    from: count.min(1).meta({ description: "The smaller tree size." }),
    to: count.min(1).meta({ description: "The larger tree size." }),
    path: z.array(hash32Hex),
  })
  .meta({
    id: "ConsistencyProof",
    description: "An RFC 9162 §2.1.4 consistency proof between tree sizes from and to.",
    examples: [{ from: 500, to: 1000, path: [EXAMPLE_HASH, EXAMPLE_ROOT] }],
  });

/** GET /v1/log: what a verifier must know to trust a bundle. */
export const logIdentitySchema = z
  .looseObject({
    ledgers: z.array(
      z.looseObject({
        ledger: z.string().min(1),
        origin: z.string().min(1).meta({ description: "The checkpoint origin of the ledger." }),
      }),
    ),
    checkpointSigner: ethAddress.meta({
      description: "The address checkpoint signatures recover to.",
    }),
    chains: z.array(
      z.looseObject({
        chainId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
        contract: ethAddress.meta({ description: "The Anchor contract." }),
        confirmations: count.meta({ description: "Confirmations for final." }),
      }),
    ),
  })
  .meta({
    id: "LogIdentity",
    description: "The log's published identity.",
    examples: [
      {
        ledgers: [{ ledger: "default", origin: EXAMPLE_ORIGIN }],
        checkpointSigner: EXAMPLE_SIGNER,
        chains: [{ chainId: 31337, contract: EXAMPLE_CONTRACT, confirmations: 2 }],
      },
    ],
  });

export const healthSchema = z
  .looseObject({ status: z.literal("ok") })
  .meta({ id: "Health", description: "The API answers.", examples: [{ status: "ok" }] });

/** One invalid field of a request: `entries.3.contentHash`, a query parameter, a header. */
export const fieldErrorSchema = z
  .looseObject({
    path: z.string().meta({ description: "Dotted path of the field, or (body)." }),
    message: z.string(),
  })
  .meta({ id: "FieldError" });

/** RFC 9457 problem details: the body of every error answer. */
export const problemSchema = z
  .looseObject({
    type: z.string().meta({ description: "about:blank: status and title say what kind it is." }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional().meta({ description: "What went wrong and what to do." }),
    errors: z.array(fieldErrorSchema).optional().meta({ description: "Each invalid field." }),
  })
  .meta({
    id: "Problem",
    description: "RFC 9457 problem details (application/problem+json).",
    examples: [
      {
        type: "about:blank",
        title: "Bad Request",
        status: 400,
        detail: "the request is not valid: see errors",
        errors: [{ path: "entries.0.contentHash", message: "a SHA-256: 64 hex characters" }],
      },
    ],
  });

/** GET /v1/openapi.json: this API's OpenAPI 3.1 description. */
export const openApiDocumentSchema = z
  .looseObject({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.looseObject({})),
  })
  .meta({
    id: "OpenApiDocument",
    description: "An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0).",
  });

/** The certificate and the API reference: self-contained HTML pages. */
export const htmlPageSchema = z
  .string()
  .meta({ id: "HtmlPage", description: "A self-contained HTML page." });

/** The payload of a subject link (a transaction entry Stele writes after each subject event). */
const subjectLinkPayloadSchema = z
  .looseObject({
    format: z.literal("stele.subject-link.v1"),
    tenant: z.string(),
    ledger: z.string(),
    subject: z.string(),
    sequence: count.min(1),
    eventType: z.string().optional(),
    entry: z.looseObject({ id: z.string(), contentHash: hash32Hex, leafIndex: count }),
    previous: hash32Hex.nullable(),
  })
  .meta({
    id: "SubjectLinkPayload",
    description:
      "The link's payload; its contentHash is SHA-256 of the RFC 8785 canonical JSON, as for " +
      "any transaction. `previous` is the contentHash of the link before (null for sequence 1).",
  });

/** GET /v1/subjects/{subject}/entries: a subject's events in chain order. */
export const subjectPageSchema = z
  .looseObject({
    subject: z.string(),
    ledger: z.string(),
    entries: z.array(
      z.looseObject({
        sequence: count.min(1).meta({ description: "The event's place in the chain, from 1." }),
        id: z.string(),
        kind: z.enum(["document", "transaction"]),
        contentHash: hash32Hex,
        eventType: z.string().optional(),
        receivedAt: z.iso.datetime({ offset: true }),
        leafIndex: count,
        status: z.enum(["sequenced", "anchored", "final"]),
        proof: z.string().meta({ description: "Path of the entry's proof bundle." }),
        link: z.looseObject({
          id: z.string(),
          contentHash: hash32Hex,
          leafIndex: count,
          payload: subjectLinkPayloadSchema,
          proof: z.string().meta({ description: "Path of the link's proof bundle." }),
        }),
      }),
    ),
    next: z
      .string()
      .nullable()
      .meta({ description: "The cursor of the next page; null on the last page." }),
  })
  .meta({ id: "SubjectPage", description: "A page of a subject's events, oldest first." });

/** GET /v1/ledgers/{ledger}/checkpoints: a page of every published checkpoint, oldest first. */
export const checkpointPageSchema = z
  .looseObject({
    checkpoints: z.array(
      proofBundleSchema.shape.checkpoint.extend({
        anchors: z.array(
          proofBundleSchema.shape.anchors.element.extend({
            treeSize: count.meta({ description: "The tree size the anchor put on chain." }),
            rootHash: hash32Hex.meta({ description: "The root the anchor put on chain." }),
          }),
        ),
      }),
    ),
    next: count.nullable().meta({
      description: "Pass it as `after` for the next page; null on the last page.",
    }),
  })
  .meta({
    id: "CheckpointPage",
    description:
      "Signed checkpoints in tree size order, each with its standing anchors (one per chain; " +
      "empty until anchored), each anchor with the tree size and root it put on chain.",
    examples: [
      {
        checkpoints: [
          {
            ...exampleCheckpoint,
            anchors: [{ ...exampleAnchor, treeSize: 1000, rootHash: EXAMPLE_ROOT }],
          },
        ],
        next: 1000,
      },
    ],
  });
