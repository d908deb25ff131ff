export interface LoadOptions {
  apiUrl: string;
  apiKey: string;
  events: number;
  /** Events per second. */
  rate: number;
  runId: string;
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
 * A steady stream of single-event POSTs at `rate` per second, as a careful
 * client sends them: on a 503 or a dropped connection it retries the same
 * request (same idempotency key) after a short pause, so "accepted" means
 * exactly the events that got a 202.
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

  const submit = async (i: number) => {
    const body = JSON.stringify(eventBody(options.runId, i));
    const giveUpAt = Date.now() + deadlineMs;
    for (;;) {
      result.requests++;
      try {
        const res = await fetch(`${options.apiUrl}/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        const text = await res.text();
        if (res.status === 202) {
          result.accepted.set(i, (JSON.parse(text) as { eventId: string }).eventId);
          return;
        }
        if (res.status === 503) result.unavailable++;
        else result.unexpected.set(res.status, (result.unexpected.get(res.status) ?? 0) + 1);
      } catch (err) {
        result.networkErrors++;
        const e = err as { name?: string; cause?: { code?: string; name?: string } };
        const kind = e.cause?.code ?? e.cause?.name ?? e.name ?? "unknown";
        result.networkErrorKinds.set(kind, (result.networkErrorKinds.get(kind) ?? 0) + 1);
      }
      if (Date.now() > giveUpAt) {
        result.gaveUp.push(i);
        return;
      }
      await sleep(400 + Math.random() * 400);
    }
  };

  const inFlight = new Set<Promise<void>>();
  let lastTick = Date.now();
  for (let i = 0; i < options.events; i++) {
    const due = started + (i * 1000) / options.rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    // Back-pressure: a client does not open unbounded requests while the API is down.
    while (inFlight.size >= 400) await Promise.race(inFlight);
    const p = submit(i).finally(() => inFlight.delete(p));
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
