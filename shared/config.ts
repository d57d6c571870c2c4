/**
 * Configuration, parsed once from the environment at cold start and passed in; nothing below
 * the functions reads process.env. A bad setting stops the function at start with its name.
 */
import * as z from "zod";
import { FAULT_POINT } from "./adapters/system/fault-points.ts";
import { DEFAULT_TENANT, TENANT_NAME } from "./domain/ledger/tenant.ts";
import { SecretNotFoundError, SecretNotTextError, type SecretStore } from "./ports/secret-store.ts";

/** JSON-RPC endpoints, tried in order: the anchorer moves to the next when one fails. */
const rpcUrlsSchema = z.array(z.url({ protocol: /^https?$/, error: "an http(s) URL" })).min(1);

/** A Secrets Manager secret name: 1 to 512 of `A-Za-z0-9/_+=.@-`. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/**
 * A secret's ARN, `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`: full (the
 * name ends in the `-` and 6 characters Secrets Manager adds, hence up to 519) or partial.
 */
const SECRET_ARN =
  /^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,519}$/;

/** One anchor chain, as an element of STELE_CHAINS (strict: an unknown key is refused). */
const chainSchema = z
  .strictObject({
    chainId: z.number().int().positive(),
    rpcUrls: rpcUrlsSchema.optional(),
    /**
     * Instead of rpcUrls: a Secrets Manager secret (name or ARN; RPC URLs often carry an API
     * key) whose SecretString holds the URLs, comma-separated; read by the anchor function at
     * cold start.
     */
    rpcUrlsSecret: z
      .string()
      .refine(
        (secret) => SECRET_NAME.test(secret) || SECRET_ARN.test(secret),
        "a Secrets Manager secret name (1 to 512 of A-Za-z0-9/_+=.@-) or ARN, such as stele/prod/rpc/11155111",
      )
      .optional(),
    /** The Anchor contract on this chain. */
    contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address (0x and 40 hex characters)"),
    /** Confirmations for an anchor to be `final` (the block itself counts one). */
    confirmations: z.number().int().min(1).max(1000).default(2),
    /** Never pay more than this per gas on this chain, in gwei. */
    maxFeePerGasGwei: z.number().min(1e-9, "at least 0.000000001 (one wei)").default(100),
  })
  .superRefine((chain, ctx) => {
    const given = [chain.rpcUrls, chain.rpcUrlsSecret].filter((v) => v !== undefined).length;
    if (given !== 1)
      ctx.addIssue({
        code: "custom",
        path: [chain.rpcUrls === undefined ? "rpcUrls" : "rpcUrlsSecret"],
        message:
          given === 0
            ? "required: rpcUrls, or rpcUrlsSecret naming a Secrets Manager secret that holds them"
            : "give rpcUrls or rpcUrlsSecret, not both",
      });
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
    /** Tests only: where Secrets Manager (moto) listens. */
    STELE_SECRETS_MANAGER_ENDPOINT: z.url().optional(),
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
    /**
     * The verify page that certificates' QR codes open (`https://verify.example/`); unset: the
     * API's own origin, where the local stack serves the page.
     */
    STELE_VERIFY_PAGE_URL: z.url().optional(),
    /** The tenant that entries from the SQS ingest queue belong to (its producers are trusted by IAM). */
    STELE_INGEST_TENANT: z
      .string()
      .regex(TENANT_NAME, "a tenant name: ^[a-z0-9][a-z0-9-]{0,62}$")
      .default(DEFAULT_TENANT),
    STELE_REPLACE_AFTER_MS: z.coerce.number().int().min(1000).default(60_000),
    /** At most one new anchor per ledger this often (the anchorer itself runs more often). */
    STELE_ANCHOR_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
    /**
     * The webhook delivery queue's URL (SQS), or `inprocess://<name>` for the local stack's
     * in-process queue; unset: webhooks can be set but no event is sent.
     */
    STELE_WEBHOOK_QUEUE_URL: z.string().min(1).optional(),
    /** Where deliveries that failed for 24 hours go (SQS; ignored with an in-process queue). */
    STELE_WEBHOOK_DLQ_URL: z.string().min(1).optional(),
    /** Tests only: where SQS (moto) listens. */
    STELE_SQS_ENDPOINT: z.url().optional(),
    /** The local stack and tests: webhooks may use http to 127.0.0.1 or localhost. */
    STELE_WEBHOOK_ALLOW_HTTP_LOOPBACK: z.enum(["true", "false"]).default("false"),
    /**
     * Encrypted retention (`"retain": true`): kms wraps data keys with STELE_CONTENT_KEY_ID (a
     * symmetric KMS key), dev with the dev-only software STELE_DEV_CONTENT_KEY; off refuses
     * retain (400) and keeps no content.
     */
    STELE_CONTENT_CIPHER: z.enum(["kms", "dev", "off"]).default("off"),
    STELE_CONTENT_KEY_ID: z.string().min(1).optional(),
    /** The dev-only software content master key, 32 bytes hex (the local stack keeps it in its data dir). */
    STELE_DEV_CONTENT_KEY: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "64 lowercase hex characters")
      .optional(),
    /** A webhook POST not answered within this fails (and is retried later). */
    STELE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(10_000),
    /** Tests only (shared/adapters/system/fault-points.ts): die right after this step boundary. */
    STELE_FAULT_POINT: z
      .string()
      .regex(FAULT_POINT, "<method>@<n>, such as writeTiles@1")
      .optional(),
    /** Tests only: append the name of every step boundary reached to this file. */
    STELE_FAULT_TRACE: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    // The anchor key is checked where it is used (shared/wiring-chain.ts): only the anchor
    // function needs it, while every function reads STELE_CHAINS.
    if (env.STELE_CHECKPOINT_SIGNER === "kms" && env.STELE_CHECKPOINT_KEY_ID === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["STELE_CHECKPOINT_KEY_ID"],
        message: "required with the kms signer",
      });
    }
    if (env.STELE_CONTENT_CIPHER === "kms" && env.STELE_CONTENT_KEY_ID === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["STELE_CONTENT_KEY_ID"],
        message: "required with the kms content cipher",
      });
    }
    if (env.STELE_CONTENT_CIPHER === "dev" && env.STELE_DEV_CONTENT_KEY === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["STELE_DEV_CONTENT_KEY"],
        message: "required with the dev content cipher",
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

/** A chain of STELE_CHAINS with its RPC URLs known: as given, or read from its rpcUrlsSecret. */
export type ResolvedChainConfig = Omit<ChainConfig, "rpcUrls" | "rpcUrlsSecret"> & {
  readonly rpcUrls: readonly string[];
};

/**
 * The URLs in an rpcUrlsSecret's value: comma-separated, blanks around each ignored, each
 * checked as rpcUrls are. Problems name a URL by its position, never by its text (it may hold
 * an API key).
 */
export function parseRpcUrlList(value: string): { urls: string[] } | { problems: string[] } {
  const urls = value
    .split(",")
    .map((url) => url.trim())
    .filter((url) => url !== "");
  const result = rpcUrlsSchema.safeParse(urls);
  if (result.success) return { urls: result.data };
  if (urls.length === 0)
    return { problems: ["holds no URL: it must hold comma-separated http(s) URLs"] };
  return {
    problems: result.error.issues.map((issue) => {
      const [index] = issue.path;
      return typeof index === "number"
        ? `URL ${index + 1} of ${urls.length}: ${issue.message}`
        : issue.message;
    }),
  };
}

/**
 * Each chain with its RPC URLs, reading each rpcUrlsSecret through `secrets` (once per name).
 * Throws one error naming every chain whose secret is missing, unreadable or bad; `secrets`
 * may be absent when no chain names one.
 */
export async function resolveChains(
  chains: readonly ChainConfig[],
  secrets: SecretStore | undefined,
): Promise<ResolvedChainConfig[]> {
  const reads = new Map<string, Promise<string>>();
  const read = (name: string): Promise<string> => {
    if (secrets === undefined)
      throw new Error(`rpcUrlsSecret ${name}: no secret store was given to read it`);
    const pending = reads.get(name) ?? secrets.read(name);
    reads.set(name, pending);
    return pending;
  };
  const problems: string[] = [];
  const causes: unknown[] = [];
  const resolved = await Promise.all(
    chains.map(async (chain, index): Promise<ResolvedChainConfig | undefined> => {
      const { rpcUrls, rpcUrlsSecret, ...rest } = chain;
      if (rpcUrls !== undefined) return { ...rest, rpcUrls };
      if (rpcUrlsSecret === undefined) throw new Error(`STELE_CHAINS.${index}: no RPC URLs`);
      const where = `STELE_CHAINS.${index}.rpcUrlsSecret: Secrets Manager secret ${rpcUrlsSecret}`;
      let value: string;
      try {
        value = await read(rpcUrlsSecret);
      } catch (error) {
        causes.push(error);
        problems.push(
          error instanceof SecretNotFoundError
            ? `${where} does not exist or has no value: create it (its SecretString the comma-separated http(s) URLs), or fix the name`
            : error instanceof SecretNotTextError
              ? `${where} holds binary data (SecretBinary): store the comma-separated http(s) URLs as its SecretString`
              : `${where} could not be read: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      }
      const parsed = parseRpcUrlList(value);
      if ("problems" in parsed) {
        for (const problem of parsed.problems) problems.push(`${where}: ${problem}`);
        return undefined;
      }
      return { ...rest, rpcUrls: parsed.urls };
    }),
  );
  if (problems.length > 0) {
    const [only] = causes;
    throw new Error(
      `bad configuration: ${problems.join("; ")}`,
      causes.length === 0 ? {} : { cause: causes.length === 1 ? only : new AggregateError(causes) },
    );
  }
  return resolved.filter((chain): chain is ResolvedChainConfig => chain !== undefined);
}
