import type { HttpClient } from "./http-load.ts";
import type { UnsentBacklog } from "./unsent-backlog.ts";

export interface SaturateOptions {
  client: HttpClient;
  backlog: UnsentBacklog;
  /** Builds the `i`-th event. */
  event: (i: number) => unknown;
  batchSize: number;
  /** Notifications each event makes (its channels). */
  perEvent: number;
  /** Batches in flight at once. */
  concurrency: number;
  /** Producers pause while more notifications than this are offered and not yet sent. */
  maxBacklog: number;
  /** Stop after this many ms… */
  ms: number;
  /** …or once this many events were accepted. */
  maxEvents?: number;
}

/**
 * A closed-loop producer for "maximum sustained" runs: POSTs batches as fast
 * as the API takes them, but holds back while more than `maxBacklog` of the
 * notifications it offered are not yet sent, so the workers are always busy
 * and the backlog stays bounded (a throughput that only fills Redis is not sustained).
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
      backlog += o.batchSize * o.perEvent;
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
        const ok = results.filter((r) => r.eventId).length;
        accepted += ok;
        o.backlog.accepted(ok);
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
