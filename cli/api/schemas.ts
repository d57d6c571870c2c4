/** The API's answers as the CLI relies on them (http-api-v1.md); unknown fields are ignored. */
import { z } from "zod";
import { anchorSchema, checkpointSchema } from "../../shared/domain/proof/bundle-schema.ts";

const hash32Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const ENTRY_STATUSES = ["pending", "sequenced", "anchored", "final"] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

export const acceptedEntrySchema = z.looseObject({
  id: z.string().min(1),
  ledger: z.string().min(1),
  kind: z.enum(["document", "transaction"]),
  contentHash: hash32Hex,
  receivedAt: z.string(),
  status: z.enum(ENTRY_STATUSES),
});
export type AcceptedEntry = z.infer<typeof acceptedEntrySchema>;

export const acceptedSchema = z.looseObject({ entries: z.array(acceptedEntrySchema) });

export const entryStatusSchema = acceptedEntrySchema.extend({
  leafIndex: z.number().int().nonnegative().optional(),
});
export type EntryView = z.infer<typeof entryStatusSchema>;

export const foundEntrySchema = acceptedEntrySchema.partial({ status: true });
export type FoundEntry = z.infer<typeof foundEntrySchema>;
export const foundEntriesSchema = z.looseObject({ entries: z.array(foundEntrySchema) });

export const checkpointViewSchema = checkpointSchema.extend({
  anchors: z.array(anchorSchema).default([]),
});
export type CheckpointView = z.infer<typeof checkpointViewSchema>;

export const consistencySchema = z.looseObject({
  from: z.number().int(),
  to: z.number().int(),
  path: z.array(hash32Hex),
});

export const logIdentitySchema = z.looseObject({
  ledgers: z.array(z.looseObject({ ledger: z.string(), origin: z.string() })),
  checkpointSigner: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  chains: z.array(
    z.looseObject({ chainId: z.number(), contract: z.string(), confirmations: z.number() }),
  ),
});
export type LogIdentity = z.infer<typeof logIdentitySchema>;

/** GET /v1/subjects/{subject}/entries: one event and its link. */
export const subjectEventSchema = z.looseObject({
  sequence: z.number().int().positive(),
  id: z.string().min(1),
  kind: z.enum(["document", "transaction"]),
  contentHash: hash32Hex,
  eventType: z.string().optional(),
  receivedAt: z.string(),
  leafIndex: z.number().int().nonnegative(),
  status: z.enum(ENTRY_STATUSES),
  link: z.looseObject({
    id: z.string().min(1),
    contentHash: hash32Hex,
    leafIndex: z.number().int().nonnegative(),
    payload: z.looseObject({
      format: z.literal("stele.subject-link.v1"),
      tenant: z.string(),
      ledger: z.string(),
      subject: z.string(),
      sequence: z.number().int().positive(),
      eventType: z.string().optional(),
      entry: z.looseObject({
        id: z.string(),
        contentHash: hash32Hex,
        leafIndex: z.number().int().nonnegative(),
      }),
      previous: hash32Hex.nullable(),
    }),
  }),
});
export type SubjectEvent = z.infer<typeof subjectEventSchema>;

export const subjectPageSchema = z.looseObject({
  entries: z.array(subjectEventSchema),
  next: z.string().nullable(),
});
