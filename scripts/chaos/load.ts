export interface LoadOptions {
  apiUrl: string;
  apiKey: string;
  events: number;
  /** Events per second. */
  rate: number;
  runId: string;
  /** Events per request: 1 posts to `/v1/events`, more to `/v1/events/batch`. */
  batch: number;
  /** Give up on one event after this long of refused attempts. */
  perEventDeadlineMs?: number;
}

export interface LoadResult {
  /** Event index → eventId, for every event the API answered 202. */
  accepted: Map<number, string>;
  requests: number;
  /** 503 answers (dependency down): retried with the same idempotency key. */
  unavailable: number;
  /** Connection errors and timeouts: retried with the same idempotency key. */
  networkErrors: number;
  /** The same, by cause (`ECONNRESET`, `TimeoutError`…). */
  networkErrorKinds: Map<string, number>;
  /** Other statuses (a 500 would be a bug): status → count. */
  unexpected: Map<number, number>;
  /** Events never accepted before their deadline. */
  gaveUp: number[];
  durationMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function eventBody(runId: string, i: number) {
  return {
    type: "order_placed",
    userId: `chaos-${runId}-${i}`,
    user: { email: `chaos-${i}@example.test`, phone: "+14155550100" },
    channels: ["email", "sms"],
    idempotencyKey: `chaos-${runId}-${i}`,
    data: {
      orderId: `C-${i}`,
      total: 42.5,
      currency: "EUR",
      items: [{ name: "Chaos monkey plush", quantity: 1, price: 42.5 }],
    },
  };
}

/**
 * A steady stream of events at `rate` per second, in POSTs of `batch` events,
 * as a careful client sends them: on a 503 or a dropped connection it retries
 * the same events (same idempotency keys) after a short pause, so "accepted"
 * means exactly the events that got a 202.
 */
export async function driveLoad(options: LoadOptions, onTick?: (r: LoadResult) => void): Promise<LoadResult> {
  const result: LoadResult = {
    accepted: new Map(),
    requests: 0,
    unavailable: 0,
    networkErrors: 0,
    networkErrorKinds: new Map(),
    unexpected: new Map(),
    gaveUp: [],
    durationMs: 0,
  };
  const deadlineMs = options.perEventDeadlineMs ?? 120_000;
  const started = Date.now();

  /** Posts events `first`…`first + count - 1` until each one got its 202 (or its deadline passed). */
  const submit = async (first: number, count: number) => {
    let todo = Array.from({ length: count }, (_, k) => first + k);
    const giveUpAt = Date.now() + deadlineMs;
    for (;;) {
      result.requests++;
      const single = options.batch === 1;
      const events = todo.map((i) => eventBody(options.runId, i));
      try {
        const res = await fetch(`${options.apiUrl}/v1/events${single ? "" : "/batch"}`, {
          method: "POST",
          headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" },
          body: JSON.stringify(single ? events[0] : { events }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        if (res.status === 202) {
          const answer = JSON.parse(text) as
            | { eventId: string }
            | { results: { index: number; status: number; eventId?: string }[] };
          const items =
            "results" in answer ? answer.results : [{ index: 0, status: 202, eventId: answer.eventId }];
          const left: number[] = [];
          for (const item of items) {
            const i = todo[item.index]!;
            if (item.status === 202 && item.eventId) result.accepted.set(i, item.eventId);
            else {
              result.unexpected.set(item.status, (result.unexpected.get(item.status) ?? 0) + 1);
              left.push(i);
            }
          }
          todo = left;
          if (todo.length === 0) return;
        } else if (res.status === 503) result.unavailable++;
        else result.unexpected.set(res.status, (result.unexpected.get(res.status) ?? 0) + 1);
      } catch (err) {
        result.networkErrors++;
        const e = err as { name?: string; cause?: { code?: string; name?: string } };
        const kind = e.cause?.code ?? e.cause?.name ?? e.name ?? "unknown";
        result.networkErrorKinds.set(kind, (result.networkErrorKinds.get(kind) ?? 0) + 1);
      }
      if (Date.now() > giveUpAt) {
        result.gaveUp.push(...todo);
        return;
      }
      await sleep(400 + Math.random() * 400);
    }
  };

  const inFlight = new Set<Promise<void>>();
  let lastTick = Date.now();
  for (let i = 0; i < options.events; i += options.batch) {
    const due = started + (i * 1000) / options.rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    // Back-pressure: a client does not open unbounded requests while the API is down.
    while (inFlight.size >= 200) await Promise.race(inFlight);
    const p = submit(i, Math.min(options.batch, options.events - i)).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (onTick && Date.now() - lastTick > 5000) {
      lastTick = Date.now();
      onTick(result);
    }
  }
  await Promise.all(inFlight);
  result.durationMs = Date.now() - started;
  return result;
}
