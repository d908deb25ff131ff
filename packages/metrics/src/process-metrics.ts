import { collectDefaultMetrics, Registry } from "prom-client";

/** What `/metrics` serves: Prometheus text and its content type. */
export interface ProcessMetrics {
  contentType: string;
  render(): Promise<string>;
}

/**
 * This process's own metrics (CPU, resident memory, heap, GC, event loop
 * delay), each name starting with `prefix` (`herald_api_`, `herald_worker_`).
 * Delivery metrics are shared across processes; these are per process, so
 * each process serves its own. The event loop delay is what tells a
 * saturated process: every job's steps wait for it, critical ones included.
 * Call once per process: every call starts its own collectors.
 */
export function createProcessMetrics(prefix: string): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  return { contentType: registry.contentType, render: () => registry.metrics() };
}
