/**
 * The Stele service on AWS, one stack per stage: the table, the signing keys, the five
 * functions, the HTTP API, the ingest queue, the schedules, alarms and a dashboard. The
 * constructs hold the decisions; this file wires them.
 */
import { Annotations, CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { ContentKey } from "../constructs/content-key.ts";
import { SteleHttpApi } from "../constructs/http-api.ts";
import { IngestQueue } from "../constructs/ingest-queue.ts";
import { LoopSchedules } from "../constructs/loop-schedules.ts";
import { ServiceAlarms } from "../constructs/service-alarms.ts";
import { ServiceDashboard } from "../constructs/service-dashboard.ts";
import { ServiceFunctions } from "../constructs/service-functions.ts";
import { SigningKey } from "../constructs/signing-key.ts";
import { Storage } from "../constructs/storage.ts";
import { VerifyPage } from "../constructs/verify-page.ts";
import { WebhookDelivery } from "../constructs/webhook-delivery.ts";
import { EXAMPLE_ORIGIN_SUFFIX, type StageName, type StageSettings } from "../stages.ts";

export interface SteleStackProps extends StackProps {
  readonly stage: StageName;
  readonly settings: StageSettings;
}

export class SteleStack extends Stack {
  readonly storage: Storage;
  readonly checkpointKey: SigningKey;
  readonly anchorKey: SigningKey;
  readonly contentKey: ContentKey;
  readonly functions: ServiceFunctions;
  readonly api: SteleHttpApi;
  readonly ingest: IngestQueue;
  readonly schedules: LoopSchedules;
  readonly alarms: ServiceAlarms;
  readonly verifyPage: VerifyPage;
  readonly webhooks: WebhookDelivery;

  constructor(scope: Construct, id: string, props: SteleStackProps) {
    super(scope, id, props);
    const { stage, settings } = props;
    Tags.of(this).add("stele:stage", stage);
    if (stage === "prod" && settings.originPrefix.endsWith(EXAMPLE_ORIGIN_SUFFIX)) {
      Annotations.of(this).addWarningV2(
        "stele:example-origin-prefix",
        `originPrefix is the example ${settings.originPrefix}: checkpoint origins (<prefix>/<ledger>) name the log for good once it has entries, so set stele:settings.prod.originPrefix to a name you own before the first deploy`,
      );
    }
    const removalPolicy = settings.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const storage = new Storage(this, "Storage", { protectData: settings.protectData });
    const checkpointKey = new SigningKey(this, "CheckpointKey", {
      description: `Stele ${stage} checkpoint key: signs the log's checkpoints (its identity)`,
      alias: `alias/stele-${stage}-checkpoint`,
    });
    const anchorKey = new SigningKey(this, "AnchorKey", {
      description: `Stele ${stage} anchor key: signs anchor transactions on every chain`,
      alias: `alias/stele-${stage}-anchor`,
    });
    const contentKey = new ContentKey(this, "ContentKey", {
      description: `Stele ${stage} content key: wraps the data keys of retained entry content`,
      alias: `alias/stele-${stage}-content`,
      protectData: settings.protectData,
    });
    const verifyPage = new VerifyPage(this, "VerifyPage");
    const functions = new ServiceFunctions(this, "Functions", {
      settings,
      verifyPageUrl: verifyPage.url,
      storage,
      checkpointKey,
      anchorKey,
      contentKey,
    });
    const fns = functions.byName;

    const api = new SteleHttpApi(this, "Http", {
      functions: {
        "accept-entries": fns["accept-entries"].fn,
        "read-api": fns["read-api"].fn,
        "entry-content": fns["entry-content"].fn,
      },
      throttleBurstLimit: settings.api.throttleBurstLimit,
      throttleRateLimit: settings.api.throttleRateLimit,
      logRetention: settings.logRetentionDays,
      logRemovalPolicy: removalPolicy,
    });
    const ingest = new IngestQueue(this, "Ingest", {
      consumer: fns["ingest-queue"],
      removalPolicy,
    });
    const webhooks = new WebhookDelivery(this, "Webhooks", {
      notifier: fns["notify-webhooks"],
      deliverer: fns["deliver-webhooks"],
      removalPolicy,
    });
    const schedules = new LoopSchedules(this, "Schedules", {
      removalPolicy,
      loops: [
        {
          name: "integrate-ledgers",
          function: fns["integrate-ledgers"],
          input: { runForMs: settings.integrate.runForMs, everyMs: settings.integrate.everyMs },
          enabled: true,
        },
        {
          name: "anchor-checkpoints",
          function: fns["anchor-checkpoints"],
          input: { runForMs: settings.anchor.runForMs, everyMs: settings.anchor.everyMs },
          // With no chain there is nothing to anchor: the schedule waits, disabled.
          enabled: settings.chains.length > 0,
        },
        {
          // Webhook events follow integrate's pace (entry.sequenced within a second or two).
          name: "notify-webhooks",
          function: fns["notify-webhooks"],
          input: { runForMs: settings.integrate.runForMs, everyMs: settings.integrate.everyMs },
          enabled: true,
        },
      ],
    });
    const alarms = new ServiceAlarms(this, "Alarms", {
      settings,
      functions: fns,
      api,
      deadLetterQueues: {
        IngestDeadLetters: ingest.deadLetterQueue,
        ScheduleDeadLetters: schedules.deadLetterQueue,
        WebhookDeadLetters: webhooks.deadLetterQueue,
      },
      removalPolicy,
    });
    const dashboard = new ServiceDashboard(this, "Dashboard", {
      settings,
      functions: fns,
      api,
      ingest,
      alarms: alarms.alarms,
    });
    this.storage = storage;
    this.checkpointKey = checkpointKey;
    this.anchorKey = anchorKey;
    this.contentKey = contentKey;
    this.functions = functions;
    this.api = api;
    this.ingest = ingest;
    this.schedules = schedules;
    this.alarms = alarms;
    this.verifyPage = verifyPage;
    this.webhooks = webhooks;

    new CfnOutput(this, "ApiUrl", { value: api.url, description: "The HTTP API's base URL" });
    new CfnOutput(this, "VerifyPageUrl", {
      value: verifyPage.url,
      description: "The verify page, which certificates' QR codes open",
    });
    new CfnOutput(this, "TableName", { value: storage.table.tableName });
    new CfnOutput(this, "CheckpointKeyId", {
      value: checkpointKey.key.keyId,
      description: "KMS key id of the checkpoint signer (the log's identity)",
    });
    new CfnOutput(this, "AnchorKeyId", {
      value: anchorKey.key.keyId,
      description: "KMS key id of the anchor signer: authorise and fund its address",
    });
    new CfnOutput(this, "ContentKeyId", {
      value: contentKey.key.keyId,
      description: "KMS key id of the content key (wraps retained content's data keys)",
    });
    new CfnOutput(this, "IngestQueueUrl", { value: ingest.queue.queueUrl });
    new CfnOutput(this, "IngestQueueSendPolicyArn", {
      value: ingest.sendPolicy.managedPolicyArn,
      description: "Attach to a producer's role to let it send entries to the ingest queue",
    });
    new CfnOutput(this, "AlarmTopicArn", { value: alarms.topic.topicArn });
    new CfnOutput(this, "DashboardName", { value: dashboard.dashboard.dashboardName });
  }
}
