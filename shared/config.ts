/**
 * Configuration, parsed once from the environment at cold start and passed in; nothing below
 * the functions reads process.env. A bad setting stops the function at start with its name.
 */
import { z } from "zod";

/** One anchor chain, as an element of STELE_CHAINS (strict: an unknown key is refused). */
const chainSchema = z.strictObject({
  chainId: z.number().int().positive(),
  /** JSON-RPC endpoints, tried in order: the anchorer moves to the next when one fails. */
  rpcUrls: z.array(z.url({ protocol: /^https?$/, error: "an http(s) URL" })).min(1),
  /** The Anchor contract on this chain. */
  contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address (0x and 40 hex characters)"),
  /** Confirmations for an anchor to be `final` (the block itself counts one). */
  confirmations: z.number().int().min(1).max(1000).default(2),
  /** Never pay more than this per gas on this chain, in gwei. */
  maxFeePerGasGwei: z.number().min(1e-9, "at least 0.000000001 (one wei)").default(100),
});

export type ChainConfig = z.infer<typeof chainSchema>;

const chainsSchema = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === "") return [];
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `not JSON (${error instanceof Error ? error.message : String(error)}): a JSON array of chains`,
      });
      return z.NEVER;
    }
  })
  .pipe(
    z.array(chainSchema, "a JSON array of chains").superRefine((chains, ctx) => {
      const seen = new Set<number>();
      chains.forEach((chain, index) => {
        if (seen.has(chain.chainId))
          ctx.addIssue({
            code: "custom",
            path: [index, "chainId"],
            message: `chain ${chain.chainId} is listed twice`,
          });
        seen.add(chain.chainId);
      });
    }),
  );

const configSchema = z
  .object({
    STELE_TABLE_NAME: z.string().min(3),
    /** Checkpoint origins are `<prefix>/<ledger>`. */
    STELE_ORIGIN_PREFIX: z
      .string()
      .min(1)
      .regex(/^[^\s/]+(\/[^\s/]+)*$/, "no spaces, no trailing slash"),
    AWS_REGION: z.string().min(1).default("us-east-1"),
    /** Local stack and tests only: where DynamoDB (dynalite, DynamoDB Local) listens. */
    STELE_DYNAMODB_ENDPOINT: z.url().optional(),
    STELE_CHECKPOINT_SIGNER: z.enum(["kms", "dev"]).default("kms"),
    STELE_CHECKPOINT_KEY_ID: z.string().min(1).optional(),
    STELE_KMS_ENDPOINT: z.url().optional(),
    /** The dev-only software checkpoint key, 32 bytes hex (the local stack keeps it in its data dir). */
    STELE_DEV_CHECKPOINT_KEY: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "64 lowercase hex characters")
      .optional(),
    STELE_INTEGRATE_MAX_ENTRIES: z.coerce.number().int().min(1).max(100_000).default(10_000),
    /** The anchor chains, a JSON array (see chainSchema); unset, blank or `[]`: nothing is anchored. */
    STELE_CHAINS: chainsSchema,
    STELE_ANCHOR_SIGNER: z.enum(["kms", "dev"]).default("kms"),
    STELE_ANCHOR_KEY_ID: z.string().min(1).optional(),
    /** The dev-only software anchor key, 32 bytes hex. */
    STELE_DEV_ANCHOR_KEY: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "64 lowercase hex characters")
      .optional(),
    STELE_REPLACE_AFTER_MS: z.coerce.number().int().min(1000).default(60_000),
    /** At most one new anchor per ledger this often (the anchorer itself runs more often). */
    STELE_ANCHOR_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  })
  .superRefine((env, ctx) => {
    if (env.STELE_CHAINS.length > 0) {
      const key =
        env.STELE_ANCHOR_SIGNER === "kms" ? "STELE_ANCHOR_KEY_ID" : "STELE_DEV_ANCHOR_KEY";
      if (env[key] === undefined)
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `required with the ${env.STELE_ANCHOR_SIGNER} anchor signer when STELE_CHAINS lists a chain`,
        });
    }
    if (env.STELE_CHECKPOINT_SIGNER === "kms" && env.STELE_CHECKPOINT_KEY_ID === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["STELE_CHECKPOINT_KEY_ID"],
        message: "required with the kms signer",
      });
    }
    if (env.STELE_CHECKPOINT_SIGNER === "dev" && env.STELE_DEV_CHECKPOINT_KEY === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["STELE_DEV_CHECKPOINT_KEY"],
        message: "required with the dev signer",
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** Parses `env`; throws one error naming every bad or missing variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  throw new Error(`bad configuration: ${problems.join("; ")}`);
}
