import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The one registry `/metrics` exposes. Libs and apps register their metrics here. */
export const metricsRegistry = new Registry();

let defaultMetricsFor: string | undefined;

/**
 * Starts Node's default metrics (event loop lag, heap, GC, …) on `metricsRegistry` and labels
 * every metric of the registry with `service`. Idempotent; a later call only relabels.
 */
export function enableDefaultMetrics(serviceName: string): void {
  metricsRegistry.setDefaultLabels({ service: serviceName });
  if (defaultMetricsFor !== undefined) {
    defaultMetricsFor = serviceName;
    return;
  }
  collectDefaultMetrics({ register: metricsRegistry });
  defaultMetricsFor = serviceName;
}

type MetricClass = typeof Counter | typeof Gauge | typeof Histogram;

/**
 * Returns the metric already registered under `name`, or undefined. Tests build apps several
 * times in one process, and prom-client throws on a second registration of the same name, so
 * every helper below goes through here; a name reused with another type or other labels is a
 * programming error and throws.
 */
function existing(name: string, kind: MetricClass, labelNames: readonly string[]): unknown {
  const metric = metricsRegistry.getSingleMetric(name);
  if (metric === undefined) return undefined;
  if (!(metric instanceof kind)) {
    throw new Error(`metric ${name} is already registered as another type`);
  }
  const registered = (metric as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
  if (registered.length !== labelNames.length || registered.some((l, i) => l !== labelNames[i])) {
    throw new Error(`metric ${name} is already registered with labels [${registered.join(', ')}]`);
  }
  return metric;
}

export function counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  return (
    (existing(name, Counter, labelNames) as Counter<L> | undefined) ??
    new Counter<L>({ name, help, labelNames, registers: [metricsRegistry] })
  );
}

export function gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  return (
    (existing(name, Gauge, labelNames) as Gauge<L> | undefined) ??
    new Gauge<L>({ name, help, labelNames, registers: [metricsRegistry] })
  );
}

/** `buckets` in the metric's unit; prom-client's defaults suit request durations in seconds. */
export function histogram<L extends string = never>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  buckets?: number[],
): Histogram<L> {
  return (
    (existing(name, Histogram, labelNames) as Histogram<L> | undefined) ??
    new Histogram<L>({ name, help, labelNames, registers: [metricsRegistry], ...(buckets ? { buckets } : {}) })
  );
}
