/**
 * The deployment stages (`-c stele:stage=dev|prod`) and their settings: typed defaults here,
 * overridable per stage through the context key `stele:settings` (cdk.json or `-c`), e.g.
 *
 *   "stele:settings": { "prod": { "originPrefix": "log.example.org", "chains": [ … ] } }
 *
 * Overrides merge into the stage's defaults object by object (arrays, such as `chains`, are
 * replaced whole); the result is checked strictly, so a misspelt key stops the synth by name.
 */
import { z } from "zod";
import { FUNCTIONS } from "./catalog.ts";

export const STAGES = ["dev", "prod"] as const;
export type StageName = (typeof STAGES)[number];

export const STAGE_CONTEXT_KEY = "stele:stage";
export const SETTINGS_CONTEXT_KEY = "stele:settings";

/** CloudWatch Logs accepts only these retention periods (days). */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** At least this much of a scheduled function's timeout is left after its loop (runForMs). */
export const MIN_RUN_MARGIN_MS = 5_000;

const ms = z.number().int().positive();

/**
 * One anchor chain. The runtime fields become an element of STELE_CHAINS; `blockSeconds` and
 * `minBalanceEth` only set alarm thresholds. RPC URLs never appear here: they often carry a
 * provider's API key, so they live in a Secrets Manager secret the anchor function reads at start.
 */
const chainSchema = z.strictObject({
  chainId: z.number().int().positive(),
  contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address (0x and 40 hex characters)"),
  /** A Secrets Manager secret (name or ARN) holding the chain's JSON-RPC URLs, comma-separated. */
  rpcUrlsSecret: z.string().regex(
    // A full ARN only: IAM matches the secret's real ARN, which ends in "-" and 6 characters
    // Secrets Manager adds; a partial ARN would deploy, then be denied at every cold start.
    /^(?:[A-Za-z0-9/_+=.@-]{1,512}|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6})$/,
    "a Secrets Manager secret name such as stele/prod/rpc/11155111, or its full ARN (ending in the - and 6 characters Secrets Manager adds)",
  ),
  confirmations: z.number().int().min(1).max(1000).default(2),
  maxFeePerGasGwei: z.number().min(1e-9, "at least 0.000000001 (one wei)").default(100),
  /** The chain's block time, for the AnchorSecondsToFinal alarm (interval + confirmations × this). */
  blockSeconds: z.number().positive().default(15),
  /** Alarm when the anchor key's balance on this chain falls below this, in ether. */
  minBalanceEth: z.number().min(0).default(0.05),
});

export type ChainSettings = z.infer<typeof chainSchema>;

const settingsSchema = z
  .strictObject({
    /** Checkpoint origins are `<originPrefix>/<ledger>`: the log's name, fixed once entries exist. */
    originPrefix: z
      .string()
      .min(1)
      .regex(/^[^\s/]+(\/[^\s/]+)*$/, "no spaces, no trailing slash"),
    /** Deletion protection and RETAIN on the table, queues and logs (the signing keys are always kept). */
    protectData: z.boolean(),
    logLevel: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]),
    logRetentionDays: z
      .number()
      .refine((days) => (RETENTION_DAYS as readonly number[]).includes(days), {
        message: `one of ${RETENTION_DAYS.join(", ")}`,
      }),
    integrate: z.strictObject({
      /** The integrate loop's period inside one invocation (the schedule input's everyMs). */
      everyMs: ms.min(100),
      /** How long one scheduled invocation loops (the schedule input's runForMs). */
      runForMs: ms,
      /** STELE_INTEGRATE_MAX_ENTRIES */
      maxEntries: z.number().int().min(1).max(100_000),
    }),
    anchor: z.strictObject({
      everyMs: ms.min(100),
      runForMs: ms,
      /** STELE_ANCHOR_INTERVAL_MS: at most one new anchor per ledger and chain this often. */
      intervalMs: ms.min(100),
      /** STELE_REPLACE_AFTER_MS */
      replaceAfterMs: ms.min(1000),
    }),
    api: z.strictObject({
      throttleBurstLimit: z.number().int().positive(),
      throttleRateLimit: z.number().positive(),
    }),
    alarms: z.strictObject({
      /** Subscribed to the alarm topic when set (the address confirms by mail). */
      email: z.email().optional(),
      /** The HTTP API's 5xx responses, in percent of requests over 5 minutes. */
      api5xxPercent: z.number().positive().max(100),
      /** Entries signed but not yet anchored (AnchorLagEntries, max). */
      anchorLagEntries: z.number().int().positive(),
      /** Age of the oldest checkpoint not yet anchored (AnchorLagSeconds, max). */
      anchorLagSeconds: z.number().int().positive(),
      /** Added to interval + confirmations × blockSeconds for the AnchorSecondsToFinal alarm. */
      anchorFinalSlackSeconds: z.number().int().min(0),
    }),
    chains: z.array(chainSchema),
  })
  .superRefine((settings, ctx) => {
    const seen = new Set<number>();
    settings.chains.forEach((chain, index) => {
      if (seen.has(chain.chainId))
        ctx.addIssue({
          code: "custom",
          path: ["chains", index, "chainId"],
          message: `chain ${chain.chainId} is listed twice`,
        });
      seen.add(chain.chainId);
    });
    for (const [part, fn] of [
      ["integrate", FUNCTIONS["integrate-ledgers"]],
      ["anchor", FUNCTIONS["anchor-checkpoints"]],
    ] as const) {
      const loop = settings[part];
      const maxRunForMs = fn.timeoutSeconds * 1000 - MIN_RUN_MARGIN_MS;
      if (loop.runForMs > maxRunForMs)
        ctx.addIssue({
          code: "custom",
          path: [part, "runForMs"],
          message: `at most ${maxRunForMs} (the function's ${fn.timeoutSeconds} s timeout less ${MIN_RUN_MARGIN_MS} ms)`,
        });
      if (loop.everyMs > loop.runForMs)
        ctx.addIssue({
          code: "custom",
          path: [part, "everyMs"],
          message: "at most runForMs",
        });
    }
  });

export type StageSettings = z.infer<typeof settingsSchema>;

/** The stages' defaults, before `stele:settings` overrides. */
export const DEFAULT_SETTINGS: Record<StageName, z.input<typeof settingsSchema>> = {
  dev: {
    originPrefix: "dev.stele.example.com",
    protectData: false,
    logLevel: "INFO",
    logRetentionDays: 30,
    // Loops end 10 s (integrate) and 15 s (anchor: one RPC call may wait 10 s) before the 60 s
    // timeout; the next schedule starts them again a minute after the last start.
    integrate: { everyMs: 1000, runForMs: 50_000, maxEntries: 10_000 },
    anchor: { everyMs: 1000, runForMs: 45_000, intervalMs: 10_000, replaceAfterMs: 60_000 },
    api: { throttleBurstLimit: 100, throttleRateLimit: 50 },
    alarms: {
      api5xxPercent: 1,
      anchorLagEntries: 100_000,
      anchorLagSeconds: 900,
      anchorFinalSlackSeconds: 120,
    },
    chains: [],
  },
  prod: {
    originPrefix: "stele.example.com",
    protectData: true,
    logLevel: "INFO",
    logRetentionDays: 365,
    integrate: { everyMs: 1000, runForMs: 50_000, maxEntries: 10_000 },
    // One new anchor per ledger and chain a minute at most: 1,440 a day for a busy ledger.
    anchor: { everyMs: 1000, runForMs: 45_000, intervalMs: 60_000, replaceAfterMs: 60_000 },
    api: { throttleBurstLimit: 1000, throttleRateLimit: 500 },
    alarms: {
      api5xxPercent: 1,
      anchorLagEntries: 1_000_000,
      anchorLagSeconds: 1800,
      anchorFinalSlackSeconds: 300,
    },
    chains: [],
  },
};

/** The example origin prefixes above: a real deployment names its own log. */
export const EXAMPLE_ORIGIN_SUFFIX = "example.com";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `override` over `base`, object by object; anything else (arrays, scalars) replaces. */
function merged(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = merged(base[key], value);
  return out;
}

/** A context value given with `-c key=<json>` arrives as a string. */
function contextObject(value: unknown, key: string): Record<string, unknown> {
  if (value === undefined) return {};
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value) as unknown;
    } catch (error) {
      throw new Error(
        `context ${key} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (!isPlainObject(parsed)) throw new Error(`context ${key} must be an object keyed by stage`);
  return parsed;
}

export interface ResolvedStage {
  readonly stage: StageName;
  readonly settings: StageSettings;
}

/** Reads the stage and its settings from CDK context; throws naming every bad setting. */
export function resolveStage(tryGetContext: (key: string) => unknown): ResolvedStage {
  const stageValue = tryGetContext(STAGE_CONTEXT_KEY) ?? "dev";
  const stage = STAGES.find((name) => name === stageValue);
  if (stage === undefined) {
    throw new Error(
      `context ${STAGE_CONTEXT_KEY} is ${JSON.stringify(stageValue)}: want ${STAGES.join(" or ")}`,
    );
  }
  const overrides = contextObject(tryGetContext(SETTINGS_CONTEXT_KEY), SETTINGS_CONTEXT_KEY);
  for (const key of Object.keys(overrides)) {
    if (!STAGES.some((name) => name === key))
      throw new Error(`context ${SETTINGS_CONTEXT_KEY} has a key ${key}: want a stage name`);
  }
  const raw = merged(DEFAULT_SETTINGS[stage], overrides[stage] ?? {});
  if (isPlainObject(raw) && Array.isArray(raw.chains)) {
    raw.chains.forEach((chain: unknown, index) => {
      if (isPlainObject(chain) && "rpcUrls" in chain)
        throw new Error(
          `${SETTINGS_CONTEXT_KEY}.${stage}.chains.${index}.rpcUrls: RPC URLs are not put in the template; store them in a Secrets Manager secret and give its name as rpcUrlsSecret`,
        );
    });
  }
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${[SETTINGS_CONTEXT_KEY, stage, ...issue.path].join(".")}: ${issue.message}`,
    );
    throw new Error(`bad stage settings: ${problems.join("; ")}`);
  }
  return { stage, settings: result.data };
}
