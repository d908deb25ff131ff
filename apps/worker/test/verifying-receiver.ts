import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "svix";

export interface Delivery {
  raw: string;
  headers: Record<string, string>;
  verified: boolean;
  /** What the receiver answered (0: it was cut off while holding the request). */
  status: number;
  receivedAt: number;
  /** When the answer went out; null until then. */
  answeredAt: number | null;
}

/**
 * An ops team's (or an app's) receiver on loopback: verifies each POST with
 * svix's own `Webhook` class (what a Standard Webhooks receiver runs),
 * answers 401 when that fails, and records every delivery, refused ones too.
 */
export async function startVerifyingReceiver(secret: string) {
  const deliveries: Delivery[] = [];
  const verifier = new Webhook(secret);
  let failures = 0;
  let holdMs = 0;
  let answerDelay: () => number = () => 0;
  let judge: (raw: string) => number | null = () => null;
  let gate: (index: number) => Promise<void> | null = () => null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const headers = req.headers as Record<string, string>;
      let verified = true;
      try {
        verifier.verify(raw, headers);
      } catch {
        verified = false;
      }
      const delivery: Delivery = {
        raw,
        headers,
        verified,
        status: 0,
        receivedAt: performance.now(),
        answeredAt: null,
      };
      deliveries.push(delivery);
      const status = !verified ? 401 : failures > 0 ? 500 : (judge(raw) ?? 204);
      if (verified && failures > 0) failures--;
      // Recorded as received before the answer: a sender that dies meanwhile never learns it was taken.
      const answer = () => {
        delivery.status = status;
        delivery.answeredAt = performance.now();
        res.writeHead(status).end();
      };
      const held = gate(deliveries.length - 1);
      if (held) void held.then(answer);
      else setTimeout(answer, holdMs || answerDelay());
    });
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/ops`,
    deliveries,
    verifier,
    /** Answer 500 to the next `n` genuine deliveries (a receiver having a bad minute). */
    failNext(n: number) {
      failures = n;
    },
    /**
     * Answer a genuine delivery (when not failing it) with `answer(rawBody)`,
     * or 204 when that is null: a receiver whose validation refuses some content.
     */
    judge(answer: (raw: string) => number | null) {
      judge = answer;
    },
    /** Hold every request this long before answering (a slow receiver); 0 answers at once. */
    hold(ms: number) {
      holdMs = ms;
    },
    /**
     * Delivery number `index` (0 for the first) is answered only once the
     * promise `wait(index)` returns resolves (null: answered as usual): the
     * test decides when a sender gets its answer.
     */
    gate(wait: (index: number) => Promise<void> | null) {
      gate = wait;
    },
    /** Each answer waits `delay()` ms (when not holding): receivers whose answers overtake each other. */
    jitter(delay: () => number) {
      answerDelay = delay;
    },
    /** Stops listening (connections are refused) until `up()`, on the same port. */
    down: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    up: () => listen(port),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}
