import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "svix";

export interface Delivery {
  raw: string;
  headers: Record<string, string>;
  verified: boolean;
}

/**
 * An ops team's receiver on loopback: verifies each POST with svix's own
 * `Webhook` class (what a Standard Webhooks receiver runs), answers 401 when
 * that fails, and records every delivery, refused ones too.
 */
export async function startVerifyingReceiver(secret: string) {
  const deliveries: Delivery[] = [];
  const verifier = new Webhook(secret);
  let failures = 0;
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
      deliveries.push({ raw, headers, verified });
      const status = !verified ? 401 : failures > 0 ? 500 : 204;
      if (verified && failures > 0) failures--;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ops`,
    deliveries,
    verifier,
    /** Answer 500 to the next `n` genuine deliveries (a receiver having a bad minute). */
    failNext(n: number) {
      failures = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
