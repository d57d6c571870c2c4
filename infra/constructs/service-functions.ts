/**
 * The five functions with the environment shared/config.ts reads, and their access: the table
 * operations each issues, and the signing keys' uses (only integrate signs checkpoints, only
 * anchor signs transactions; whoever shows an address reads its public key).
 */
import { RemovalPolicy } from "aws-cdk-lib";
import { Construct } from "constructs";
import { FUNCTION_NAMES, type FunctionName } from "../catalog.ts";
import type { StageSettings } from "../stages.ts";
import { grantRpcUrlsRead, steleChainsJson } from "./anchor-chains.ts";
import type { ContentKey } from "./content-key.ts";
import { METRICS_NAMESPACE, SERVICE_NAME } from "./metric-names.ts";
import type { SigningKey } from "./signing-key.ts";
import { SteleFunction } from "./stele-function.ts";
import type { Storage } from "./storage.ts";
import { TABLE_ACCESS, TABLE_PARTITIONS } from "./table-access.ts";

export interface ServiceFunctionsProps {
  readonly settings: StageSettings;
  readonly storage: Storage;
  readonly checkpointKey: SigningKey;
  readonly anchorKey: SigningKey;
  /** Wraps retained content's data keys: accept-entries makes them, entry-content unwraps them. */
  readonly contentKey: ContentKey;
  /** The verify page that certificates link to (read-api). */
  readonly verifyPageUrl: string;
}

export class ServiceFunctions extends Construct {
  readonly byName: Record<FunctionName, SteleFunction>;

  constructor(scope: Construct, id: string, props: ServiceFunctionsProps) {
    super(scope, id);
    const { settings, storage, checkpointKey, anchorKey, contentKey } = props;
    // Every function parses the whole config at start, so each gets what it requires: the
    // table, the origin prefix, and the checkpoint key id (the kms signer is the default).
    const common = {
      STELE_TABLE_NAME: storage.table.tableName,
      STELE_ORIGIN_PREFIX: settings.originPrefix,
      STELE_CHECKPOINT_SIGNER: "kms",
      STELE_CHECKPOINT_KEY_ID: checkpointKey.key.keyId,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: settings.logLevel,
    };
    // read-api publishes the chains (GET /v1/log) and serves anchors; with a chain listed, the
    // config also requires the anchor key id (a name only: read-api gets no use of the key).
    const chains = {
      STELE_CHAINS: steleChainsJson(settings.chains),
      STELE_ANCHOR_SIGNER: "kms",
      STELE_ANCHOR_KEY_ID: anchorKey.key.keyId,
    };
    const content = {
      STELE_CONTENT_CIPHER: "kms",
      STELE_CONTENT_KEY_ID: contentKey.key.keyArn,
    };
    const environment: Record<FunctionName, Record<string, string>> = {
      "accept-entries": { ...common, ...content },
      "entry-content": { ...common, ...content },
      "read-api": { ...common, ...chains, STELE_VERIFY_PAGE_URL: props.verifyPageUrl },
      "ingest-queue": common,
      "integrate-ledgers": {
        ...common,
        STELE_INTEGRATE_MAX_ENTRIES: String(settings.integrate.maxEntries),
      },
      "anchor-checkpoints": {
        ...common,
        ...chains,
        STELE_ANCHOR_INTERVAL_MS: String(settings.anchor.intervalMs),
        STELE_REPLACE_AFTER_MS: String(settings.anchor.replaceAfterMs),
      },
      // The webhook queue's URLs are added where the queue is made (webhook-delivery.ts).
      "notify-webhooks": { ...common, ...chains },
      "deliver-webhooks": common,
    };
    const single = new Set<FunctionName>([
      "integrate-ledgers",
      "anchor-checkpoints",
      "notify-webhooks",
    ]);
    const removalPolicy = settings.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const entries = FUNCTION_NAMES.map((name) => {
      const fn = new SteleFunction(this, name, {
        name,
        environment: environment[name],
        logRetention: settings.logRetentionDays,
        logRemovalPolicy: removalPolicy,
        // One writer per ledger (integrate) and one nonce sequence per chain (anchor).
        ...(single.has(name) ? { reservedConcurrentExecutions: 1 } : {}),
      });
      storage.grant(fn.role, TABLE_ACCESS[name], TABLE_PARTITIONS[name]);
      return [name, fn] as const;
    });
    this.byName = Object.fromEntries(entries) as Record<FunctionName, SteleFunction>;

    const { byName } = this;
    checkpointKey.signOnlyBy(byName["integrate-ledgers"].role);
    // integrate puts the signer's address in each checkpoint; read-api shows it in GET /v1/log.
    checkpointKey.publicKeyReadBy(byName["integrate-ledgers"].role, byName["read-api"].role);
    anchorKey.signOnlyBy(byName["anchor-checkpoints"].role);
    anchorKey.publicKeyReadBy(byName["anchor-checkpoints"].role);
    grantRpcUrlsRead(byName["anchor-checkpoints"].role, settings.chains);
    contentKey.generateDataKeysBy(byName["accept-entries"].role);
    contentKey.decryptDataKeysBy(byName["entry-content"].role);
  }
}
