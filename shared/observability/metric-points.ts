/** Metric points as plain values, built by pure functions (tested) and published in one place. */
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

export type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

export { MetricUnit };

export interface MetricPoint {
  readonly name: string;
  readonly unit: Unit;
  readonly value: number;
}

/**
 * Emits `points` now, with `dimensions` besides Powertools' `service` (one EMF line on stdout,
 * which Lambda ships to CloudWatch).
 */
export function publishPoints(
  metrics: Metrics,
  dimensions: Readonly<Record<string, string>>,
  points: readonly MetricPoint[],
): void {
  for (const [name, value] of Object.entries(dimensions)) metrics.addDimension(name, value);
  for (const point of points) metrics.addMetric(point.name, point.unit, point.value);
  metrics.publishStoredMetrics();
}
