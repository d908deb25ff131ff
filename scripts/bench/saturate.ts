import type { HttpClient } from "./http-load.ts";
import type { queueBacklog } from "./queue-backlog.ts";

export interface SaturateOptions {
  client: HttpClient;
  backlog: ReturnType<typeof queueBacklog>;
  /** Builds the `i`-th event. */
  event: (i: number) => unknown;
  batchSize: number;
  /** Batches in flight at once. */
  concurrency: number;
  /** Producers pause while more jobs than this wait in the queues. */
  maxBacklog: number;
  /** Stop after this many ms… */
  ms: number;
  /** …or once this many events were accepted. */
  maxEvents?: number;
}

/**
 * A closed-loop producer for "maximum sustained" runs: POSTs batches as fast
 * as the API takes them, but holds back while the queues hold more than
 * `maxBacklog` jobs, so the workers are always busy and the backlog stays
 * bounded (a throughput that only fills Redis is not sustained).
 */
export async function saturate(
  o: SaturateOptions,
): Promise<{ accepted: number; batches: number; errors: number }> {
  let accepted = 0;
  let batches = 0;
  let errors = 0;
  let next = 0;
  let backlog = 0;
  const deadline = performance.now() + o.ms;
  const done = () => performance.now() >= deadline || (o.maxEvents !== undefined && accepted >= o.maxEvents);
  const poll = setInterval(() => {
    o.backlog.waiting().then(
      (n) => {
        backlog = n;
      },
      () => {},
    );
  }, 50);
  const lane = async () => {
    while (!done()) {
      if (backlog > o.maxBacklog) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const events = Array.from({ length: o.batchSize }, () => o.event(next++));
      backlog += o.batchSize;
      let res: Awaited<ReturnType<HttpClient["post"]>>;
      try {
        res = await o.client.post("/v1/events/batch", { events });
      } catch {
        // A dropped connection is an error to count, not the end of the run.
        errors++;
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      batches++;
      if (res.status === 202) {
        const results = (res.body as { results: { eventId?: string }[] }).results;
        accepted += results.filter((r) => r.eventId).length;
      } else errors++;
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, lane));
  } finally {
    clearInterval(poll);
  }
  return { accepted, batches, errors };
}
