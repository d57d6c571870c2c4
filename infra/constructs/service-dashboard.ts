/** One CloudWatch dashboard: alarms, the API, the functions, the ingest queue, each chain. */
import { Duration } from "aws-cdk-lib";
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IWidget,
  type Metric,
  TextWidget,
} from "aws-cdk-lib/aws-cloudwatch";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import { FUNCTION_NAMES, type FunctionName } from "../catalog.ts";
import type { StageSettings } from "../stages.ts";
import type { SteleHttpApi } from "./http-api.ts";
import type { IngestQueue } from "./ingest-queue.ts";
import { ANCHOR_METRICS, INTEGRATE_METRICS } from "./metric-names.ts";
import { anchorMetric, integrateMetric } from "./service-alarms.ts";
import type { SteleFunction } from "./stele-function.ts";

export interface ServiceDashboardProps {
  readonly settings: StageSettings;
  readonly functions: Record<FunctionName, SteleFunction>;
  readonly api: SteleHttpApi;
  readonly ingest: IngestQueue;
  readonly alarms: readonly IAlarm[];
}

const WIDTH = 8;
const HEIGHT = 6;
const PERIOD = Duration.minutes(1);

export class ServiceDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const { api } = props.api;
    const fns = FUNCTION_NAMES.map((name) => ({ name, fn: props.functions[name].fn }));
    const perFunction = (title: string, metric: (fn: IFunction) => Metric) =>
      new GraphWidget({
        title,
        width: WIDTH,
        height: HEIGHT,
        left: fns.map(({ name, fn }) => metric(fn).with({ label: name, period: PERIOD })),
      });
    const rows: IWidget[][] = [
      [
        new AlarmStatusWidget({
          title: "Alarms",
          alarms: [...props.alarms],
          width: 24,
          height: Math.min(12, 2 + Math.ceil(props.alarms.length / 4)),
        }),
      ],
      [
        new GraphWidget({
          title: "HTTP API requests",
          width: WIDTH,
          height: HEIGHT,
          left: [
            api.metricCount({ statistic: "Sum", period: PERIOD, label: "requests" }),
            api.metricClientError({ statistic: "Sum", period: PERIOD, label: "4xx" }),
            api.metricServerError({ statistic: "Sum", period: PERIOD, label: "5xx" }),
          ],
        }),
        new GraphWidget({
          title: "HTTP API latency (ms)",
          width: WIDTH,
          height: HEIGHT,
          left: [
            api.metricLatency({ statistic: "p50", period: PERIOD, label: "p50" }),
            api.metricLatency({ statistic: "p99", period: PERIOD, label: "p99" }),
          ],
        }),
        new GraphWidget({
          title: "Ingest queue",
          width: WIDTH,
          height: HEIGHT,
          left: [
            props.ingest.queue.metricApproximateNumberOfMessagesVisible({
              period: PERIOD,
              label: "queued",
            }),
            props.ingest.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
              period: PERIOD,
              label: "dead letters",
            }),
          ],
          right: [
            props.ingest.queue.metricApproximateAgeOfOldestMessage({
              period: PERIOD,
              label: "oldest (s)",
            }),
          ],
        }),
      ],
      [
        new GraphWidget({
          title: "Integrate runs",
          width: WIDTH,
          height: HEIGHT,
          left: [INTEGRATE_METRICS.runs, INTEGRATE_METRICS.runFailures].map((name) =>
            integrateMetric(name, "Sum", PERIOD).with({ label: name }),
          ),
          right: [
            integrateMetric(INTEGRATE_METRICS.entriesIntegrated, "Sum", PERIOD).with({
              label: "entries integrated",
            }),
          ],
        }),
        perFunction("Throttles", (fn) => fn.metricThrottles({ statistic: "Sum" })),
        perFunction("Concurrent executions (max)", (fn) =>
          fn.metric("ConcurrentExecutions", { statistic: "Maximum" }),
        ),
      ],
      [
        perFunction("Invocations", (fn) => fn.metricInvocations({ statistic: "Sum" })),
        perFunction("Errors", (fn) => fn.metricErrors({ statistic: "Sum" })),
        perFunction("Duration p99 (ms)", (fn) => fn.metricDuration({ statistic: "p99" })),
      ],
    ];
    for (const chain of props.settings.chains) {
      const id = chain.chainId;
      rows.push([new TextWidget({ markdown: `### Chain ${id}`, width: 24, height: 1 })]);
      rows.push([
        new GraphWidget({
          title: `Chain ${id}: anchors`,
          width: WIDTH,
          height: HEIGHT,
          left: [
            ANCHOR_METRICS.runs,
            ANCHOR_METRICS.runFailures,
            ANCHOR_METRICS.sent,
            ANCHOR_METRICS.included,
            ANCHOR_METRICS.final,
            ANCHOR_METRICS.orphaned,
            ANCHOR_METRICS.feeCeilingHits,
          ].map((name) => anchorMetric(name, id, "Sum", PERIOD).with({ label: name })),
        }),
        new GraphWidget({
          title: `Chain ${id}: seconds to included / final (p90)`,
          width: WIDTH,
          height: HEIGHT,
          left: [ANCHOR_METRICS.secondsToIncluded, ANCHOR_METRICS.secondsToFinal].map((name) =>
            anchorMetric(name, id, "p90").with({ label: name }),
          ),
        }),
        new GraphWidget({
          title: `Chain ${id}: lag and balance`,
          width: WIDTH,
          height: HEIGHT,
          left: [ANCHOR_METRICS.lagEntries, ANCHOR_METRICS.lagSeconds].map((name) =>
            anchorMetric(name, id, "Maximum").with({ label: name }),
          ),
          right: [
            anchorMetric(ANCHOR_METRICS.balanceEth, id, "Minimum").with({ label: "balance" }),
          ],
        }),
      ]);
    }
    this.dashboard = new Dashboard(this, "Dashboard", { widgets: rows });
  }
}
