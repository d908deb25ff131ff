import { collectDefaultMetrics, Registry } from "prom-client";

/** What `/metrics` serves: Prometheus text and its content type. */
export interface ProcessMetrics {
  contentType: string;
  render(): Promise<string>;
}

/**
 * This worker process's own metrics (CPU, resident memory, heap, GC, event
 * loop delay), prefixed `herald_worker_`. Delivery metrics are shared across
 * processes and served by the API's `/metrics`; these are per process, so
 * each process serves its own. The event loop delay is what tells a
 * saturated process: every job's steps wait for it, critical ones included.
 */
export function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "herald_worker_" });
  return { contentType: registry.contentType, render: () => registry.metrics() };
}
