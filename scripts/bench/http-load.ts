import { Agent, request } from "node:http";

export interface HttpClient {
  /** POSTs JSON; resolves with the status, the parsed body and the request's latency in ms. */
  post(path: string, body: unknown): Promise<{ status: number; body: unknown; ms: number }>;
  get(path: string): Promise<{ status: number; body: unknown; ms: number }>;
  close(): void;
}

/** A keep-alive HTTP/1.1 client with up to `sockets` concurrent connections. */
export function httpClient(baseUrl: string, apiKey: string, sockets = 64): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const base = new URL(baseUrl);
  const send = (method: string, path: string, body?: unknown) =>
    new Promise<{ status: number; body: unknown; ms: number }>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const t0 = performance.now();
      const req = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: {
            authorization: `Bearer ${apiKey}`,
            ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              // not JSON
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - t0 });
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  return {
    post: (path, body) => send("POST", path, body),
    get: (path) => send("GET", path),
    close: () => agent.destroy(),
  };
}

export interface PacedRun {
  /** Requests started. */
  sent: number;
  /** Requests that could not start on time because `maxInFlight` were still open. */
  late: number;
  errors: number;
  statuses: Record<number, number>;
  /** Latency of every completed request, ms. */
  latencies: number[];
  seconds: number;
}

/**
 * An open-loop load generator: starts `rate` requests per second for
 * `seconds`, whatever the answers' speed (up to `maxInFlight` open at once;
 * beyond that the send is counted `late` and skipped), like independent clients.
 * `stop` ends it early.
 */
export async function paced(
  rate: number,
  seconds: number,
  fire: (i: number) => Promise<{ status: number; ms: number }>,
  maxInFlight = 512,
  stop?: AbortSignal,
): Promise<PacedRun> {
  const out: PacedRun = { sent: 0, late: 0, errors: 0, statuses: {}, latencies: [], seconds };
  let inFlight = 0;
  const t0 = performance.now();
  const pending = new Set<Promise<void>>();
  let due = 0;
  while (performance.now() - t0 < seconds * 1000 && !stop?.aborted) {
    const target = Math.floor(((performance.now() - t0) / 1000) * rate);
    for (; due < target; due++) {
      if (inFlight >= maxInFlight) {
        out.late++;
        continue;
      }
      inFlight++;
      out.sent++;
      const p = fire(due).then(
        (r) => {
          out.statuses[r.status] = (out.statuses[r.status] ?? 0) + 1;
          out.latencies.push(r.ms);
        },
        () => {
          out.errors++;
        },
      );
      const tracked = p.finally(() => {
        inFlight--;
        pending.delete(tracked);
      });
      pending.add(tracked);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(pending);
  return out;
}
