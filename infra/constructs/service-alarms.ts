/**
 * The alarms, each with a description saying what it means and what to look at, all notifying
 * one encrypted SNS topic: dead letters, the HTTP API's 5xx rate, every function's errors and
 * throttles, and per anchor chain the anchorer's health (see metric-names.ts).
 */
import { ArnFormat, Duration, type RemovalPolicy, Stack } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { PolicyDocument, PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { FUNCTION_NAMES, type FunctionName } from "../catalog.ts";
import type { ChainSettings, StageSettings } from "../stages.ts";
import type { SteleHttpApi } from "./http-api.ts";
import { keyAdministration, useThroughService } from "./key-policy.ts";
import {
  ANCHOR_METRICS,
  chainDimensions,
  INTEGRATE_METRICS,
  METRICS_NAMESPACE,
  serviceDimensions,
} from "./metric-names.ts";
import type { SteleFunction } from "./stele-function.ts";

export interface ServiceAlarmsProps {
  readonly settings: StageSettings;
  readonly functions: Record<FunctionName, SteleFunction>;
  readonly api: SteleHttpApi;
  readonly deadLetterQueues: Record<string, IQueue>;
  readonly removalPolicy: RemovalPolicy;
}

/** One chain's anchor metric. */
export function anchorMetric(
  name: (typeof ANCHOR_METRICS)[keyof typeof ANCHOR_METRICS],
  chainId: number,
  statistic: string,
  period: Duration = Duration.minutes(5),
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: chainDimensions(chainId),
    statistic,
    period,
  });
}

/** An integrate metric. */
export function integrateMetric(
  name: (typeof INTEGRATE_METRICS)[keyof typeof INTEGRATE_METRICS],
  statistic: string,
  period: Duration = Duration.minutes(5),
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: serviceDimensions(),
    statistic,
    period,
  });
}

/** The AnchorSecondsToFinal threshold: a new anchor's wait, its blocks, and some slack. */
export function secondsToFinalThreshold(settings: StageSettings, chain: ChainSettings): number {
  return Math.ceil(
    settings.anchor.intervalMs / 1000 +
      chain.confirmations * chain.blockSeconds +
      settings.alarms.anchorFinalSlackSeconds,
  );
}

export class ServiceAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly #action: SnsAction;
  readonly #prefix: string;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const { settings } = props;
    this.#prefix = Stack.of(this).stackName;
    const key = new Key(this, "TopicKey", {
      description: "Stele alarm topic encryption",
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      policy: new PolicyDocument({
        statements: [
          keyAdministration(),
          // CloudWatch encrypts what it publishes to the topic with this key.
          new PolicyStatement({
            sid: "CloudWatchPublishes",
            principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
            actions: ["kms:Decrypt", "kms:GenerateDataKey"],
            resources: ["*"],
          }),
          // Operators may publish a test message through SNS.
          useThroughService("sns", ["kms:Decrypt", "kms:GenerateDataKey"]),
        ],
      }),
    });
    this.topic = new Topic(this, "Topic", {
      displayName: `Stele ${this.#prefix} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: "CloudWatchAlarmsPublish",
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            "aws:SourceArn": Stack.of(this).formatArn({
              service: "cloudwatch",
              resource: "alarm",
              resourceName: "*",
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { "aws:SourceAccount": Stack.of(this).account },
        },
      }),
    );
    if (settings.alarms.email !== undefined)
      this.topic.addSubscription(new EmailSubscription(settings.alarms.email));
    this.#action = new SnsAction(this.topic);

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.#alarm(`${name}Messages`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({
          statistic: "Maximum",
          period: Duration.minutes(1),
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        description: `Messages in the ${name} dead-letter queue: each one is an entry or a scheduled run that failed every retry. Read the reason in the function's logs, then redrive or delete the messages.`,
      });
    }

    const { api } = props.api;
    this.#alarm("Api5xxRate", {
      metric: new MathExpression({
        expression: "IF(requests > 0, 100 * errors / requests, 0)",
        usingMetrics: {
          errors: api.metricServerError({ statistic: "Sum", period: Duration.minutes(5) }),
          requests: api.metricCount({ statistic: "Sum", period: Duration.minutes(5) }),
        },
        label: "5xx %",
        period: Duration.minutes(5),
      }),
      threshold: settings.alarms.api5xxPercent,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `More than ${settings.alarms.api5xxPercent}% of HTTP API requests answered 5xx in 5 minutes. A client mistake is never a 5xx: look for errors in the accept-entries and read-api logs (DynamoDB throttling, KMS, a bug).`,
    });

    for (const name of FUNCTION_NAMES) {
      const { fn } = props.functions[name];
      this.#alarm(`${name}-Errors`, {
        metric: fn.metricErrors({ statistic: "Sum", period: Duration.minutes(5) }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        description: `${name} failed (an error or a timeout) in the last 5 minutes: see its log group.`,
      });
      this.#alarm(`${name}-Throttles`, {
        metric: fn.metricThrottles({ statistic: "Sum", period: Duration.minutes(5) }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        description: `${name} was throttled in the last 5 minutes: the account's concurrency is exhausted, or (integrate, anchor) a run outlasted the minute between schedules.`,
      });
    }

    this.#alarm("Integrate-Stopped", {
      metric: integrateMetric(INTEGRATE_METRICS.runs, "Sum"),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
      description:
        "No integrate run for 5 minutes: nothing is sequenced or signed (the schedule is disabled, or integrate-ledgers fails at start). Accepted entries wait, safe, as pending.",
    });
    this.#alarm("Integrate-RunFailures", {
      metric: integrateMetric(INTEGRATE_METRICS.runFailures, "Sum", Duration.minutes(1)),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      description:
        "Integrate runs failed in 3 of 5 minutes (the checkpoint key, the table, or a bug): see the integrate-ledgers log.",
    });

    for (const chain of settings.chains) this.#chainAlarms(settings, chain);
  }

  #chainAlarms(settings: StageSettings, chain: ChainSettings): void {
    const id = chain.chainId;
    const on = `on chain ${id}`;
    this.#alarm(`Chain${id}-FeeCeiling`, {
      metric: anchorMetric(ANCHOR_METRICS.feeCeilingHits, id, "Sum", Duration.minutes(1)),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      description: `Fees ${on} stayed above maxFeePerGasGwei (${chain.maxFeePerGasGwei} gwei) in 3 of 5 minutes: nothing is being anchored there (by design the anchorer waits rather than overpay). Wait, or raise the chain's maxFeePerGasGwei.`,
    });
    this.#alarm(`Chain${id}-RunFailures`, {
      metric: anchorMetric(ANCHOR_METRICS.runFailures, id, "Sum"),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `The anchorer failed ${on} in the last 5 minutes: every RPC endpoint failed, or the anchor key or contract refused. The anchor-checkpoints log names the chain and the error.`,
    });
    this.#alarm(`Chain${id}-Stopped`, {
      metric: anchorMetric(ANCHOR_METRICS.runs, id, "Sum"),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
      description: `No anchor run ${on} for 5 minutes: the anchorer stopped (its schedule is disabled, the function fails at start, e.g. on its RPC URL parameter, or it is throttled).`,
    });
    this.#alarm(`Chain${id}-Orphaned`, {
      metric: anchorMetric(ANCHOR_METRICS.orphaned, id, "Sum"),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `An anchor ${on} failed: its block left the canonical chain or its transaction was dropped. The checkpoint is anchored again by itself; frequent alarms mean reorgs deeper than the confirmations (${chain.confirmations}).`,
    });
    const finalSeconds = secondsToFinalThreshold(settings, chain);
    this.#alarm(`Chain${id}-SecondsToFinal`, {
      metric: anchorMetric(ANCHOR_METRICS.secondsToFinal, id, "p90", Duration.minutes(15)),
      threshold: finalSeconds,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `Anchors ${on} took more than ${finalSeconds} s to final (p90 over 15 minutes; the anchor interval plus ${chain.confirmations} confirmations of ${chain.blockSeconds} s plus slack): transactions wait in the mempool (fees) or the chain is slow.`,
    });
    this.#alarm(`Chain${id}-LagEntries`, {
      metric: anchorMetric(ANCHOR_METRICS.lagEntries, id, "Maximum"),
      threshold: settings.alarms.anchorLagEntries,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      description: `More than ${settings.alarms.anchorLagEntries} signed entries ${on} are not yet anchored, for 15 minutes: anchoring falls behind the log.`,
    });
    this.#alarm(`Chain${id}-LagSeconds`, {
      metric: anchorMetric(ANCHOR_METRICS.lagSeconds, id, "Maximum"),
      threshold: settings.alarms.anchorLagSeconds,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `The oldest checkpoint not yet anchored ${on} is more than ${settings.alarms.anchorLagSeconds} s old: look at the fee ceiling, run failures and the anchor key's balance.`,
    });
    this.#alarm(`Chain${id}-Balance`, {
      metric: anchorMetric(ANCHOR_METRICS.balanceEth, id, "Minimum"),
      threshold: chain.minBalanceEth,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      description: `The anchor key holds less than ${chain.minBalanceEth} of chain ${id}'s native coin: fund its address before anchoring stops.`,
    });
  }

  #alarm(
    id: string,
    options: {
      metric: Metric | MathExpression;
      threshold: number;
      comparisonOperator: ComparisonOperator;
      description: string;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
      treatMissingData?: TreatMissingData;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmName: `${this.#prefix}-${id}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: options.comparisonOperator,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      ...(options.datapointsToAlarm === undefined
        ? {}
        : { datapointsToAlarm: options.datapointsToAlarm }),
      treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.#action);
    alarm.addOkAction(this.#action);
    this.alarms.push(alarm);
    return alarm;
  }
}
