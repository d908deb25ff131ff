export { createProcessMetrics, type ProcessMetrics } from "./process-metrics.ts";
export {
  counterFamily,
  gaugeFamily,
  histogramFamily,
  type MetricFamily,
  renderPrometheus,
  type Sample,
} from "./prometheus-text.ts";
export {
  LATENCY_BUCKETS,
  metricsKey,
  readSharedMetrics,
  type SharedMetrics,
  type SharedMetricsWriter,
  type SharedMetricsWriterOptions,
  sharedMetricsWriter,
} from "./shared-metrics.ts";
