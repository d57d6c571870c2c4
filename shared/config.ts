/**
 * Configuration, parsed once from the environment at cold start and passed in; nothing below
 * the functions reads process.env. A bad setting stops the function at start with its name.
 */
import { z } from "zod";

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
    /** The anchor chain; without it nothing is anchored. */
    STELE_CHAIN_ID: z.coerce.number().int().positive().optional(),
    /** JSON-RPC endpoints of the chain, comma-separated (the first that answers is used). */
    STELE_CHAIN_RPC_URLS: z
      .string()
      .transform((text) =>
        text
          .split(",")
          .map((url) => url.trim())
          .filter((url) => url !== ""),
      )
      .pipe(z.array(z.url()).min(1))
      .optional(),
    STELE_ANCHOR_CONTRACT: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, "an address")
      .optional(),
    STELE_ANCHOR_SIGNER: z.enum(["kms", "dev"]).default("kms"),
    STELE_ANCHOR_KEY_ID: z.string().min(1).optional(),
    /** The dev-only software anchor key, 32 bytes hex. */
    STELE_DEV_ANCHOR_KEY: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "64 lowercase hex characters")
      .optional(),
    STELE_CONFIRMATIONS: z.coerce.number().int().min(1).max(1000).default(2),
    /** Never pay more than this per gas, in gwei. */
    STELE_MAX_FEE_PER_GAS_GWEI: z.coerce.number().positive().default(100),
    STELE_REPLACE_AFTER_MS: z.coerce.number().int().min(1000).default(60_000),
    /** At most one new anchor per ledger this often (the anchorer itself runs more often). */
    STELE_ANCHOR_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  })
  .superRefine((env, ctx) => {
    if (env.STELE_CHAIN_ID !== undefined) {
      for (const name of ["STELE_CHAIN_RPC_URLS", "STELE_ANCHOR_CONTRACT"] as const) {
        if (env[name] === undefined)
          ctx.addIssue({ code: "custom", path: [name], message: "required with STELE_CHAIN_ID" });
      }
      const key =
        env.STELE_ANCHOR_SIGNER === "kms" ? "STELE_ANCHOR_KEY_ID" : "STELE_DEV_ANCHOR_KEY";
      if (env[key] === undefined)
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `required with the ${env.STELE_ANCHOR_SIGNER} anchor signer`,
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
