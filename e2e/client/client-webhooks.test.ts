import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import {
  Herald as HeraldClient,
  HeraldWebhookError,
  type StatusWebhookPayload,
  verifyWebhook,
} from "@herald/client";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { Webhook } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

const secret = `whsec_${randomBytes(32).toString("base64")}`;

interface Received {
  raw: string;
  headers: IncomingHttpHeaders;
  payload: StatusWebhookPayload | null;
  error: HeraldWebhookError | null;
}

/** An app's status webhook receiver: `verifyWebhook` on the raw body, 204 when it verifies, 401 when not. */
async function startReceiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      try {
        const payload = await verifyWebhook<StatusWebhookPayload>(raw, req.headers, secret);
        received.push({ raw, headers: req.headers, payload, error: null });
        res.writeHead(204).end();
      } catch (err) {
        received.push({ raw, headers: req.headers, payload: null, error: err as HeraldWebhookError });
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/herald`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let herald: Herald;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
  herald = await startHerald({
    // The receivers listen on loopback.
    apiEnv: { WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: "true" },
    workerEnv: {
      WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: "true",
      STATUS_WEBHOOK_URL: receiver.url,
      STATUS_WEBHOOK_SECRET: secret,
      STATUS_WEBHOOK_POLL_INTERVAL: "50ms",
    },
  });
});
afterAll(async () => {
  await herald?.close();
  await receiver?.close();
});

describe("@herald/client's verifyWebhook", () => {
  it("verifies the status webhooks a worker POSTs (signed by its signWebhook) and returns their changes", async () => {
    const client = new HeraldClient({ apiKey: herald.apiKey, baseUrl: herald.url });
    const { eventId } = await client.events.trigger({
      type: "payment_failed",
      userId: "hook-ada",
      data: catalog.payment_failed.example,
      channels: ["in_app"],
    });
    const change = await eventually(
      () =>
        receiver.received.flatMap((r) => r.payload?.data ?? []).find((c) => c.eventId === eventId) ?? null,
      20_000,
    );
    expect(change).toMatchObject({
      userId: "hook-ada",
      channel: "in_app",
      status: "SENT",
      type: "payment_failed",
    });
    expect(receiver.received.every((r) => r.error === null)).toBe(true);
  });

  it("refuses a real delivery replayed with its body changed, under another secret, or too late", async () => {
    const { raw, headers } = await eventually(() => receiver.received.find((r) => r.payload) ?? null);
    expect(await verifyWebhook(raw, headers, secret)).toEqual(JSON.parse(raw));
    const reasons = async (p: Promise<unknown>) => ((await p.catch((e) => e)) as HeraldWebhookError).reason;
    expect(await reasons(verifyWebhook(raw.replace('"SENT"', '"READ"'), headers, secret))).toBe(
      "bad_signature",
    );
    const other = `whsec_${randomBytes(32).toString("base64")}`;
    expect(await reasons(verifyWebhook(raw, headers, other))).toBe("bad_signature");
    const later = (Number(headers["webhook-timestamp"]) + 301) * 1000;
    expect(await reasons(verifyWebhook(raw, headers, secret, { now: () => later }))).toBe("bad_timestamp");
  });

  it("verifies what the svix library signs, and refuses it tampered, under another secret, or old", async () => {
    const body = JSON.stringify({ type: "herald.notification_statuses", data: [] });
    const svix = new Webhook(secret);
    const sign = (id: string, at: Date) => ({
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": svix.sign(id, at, body),
    });
    const fresh = sign("msg_1", new Date());
    expect(await verifyWebhook(body, fresh, secret)).toEqual(JSON.parse(body));
    await expect(verifyWebhook(`${body} `, fresh, secret)).rejects.toMatchObject({ reason: "bad_signature" });
    await expect(
      verifyWebhook(body, fresh, `whsec_${randomBytes(24).toString("base64")}`),
    ).rejects.toBeInstanceOf(HeraldWebhookError);
    const old = sign("msg_2", new Date(Date.now() - 10 * 60_000));
    await expect(verifyWebhook(body, old, secret)).rejects.toMatchObject({ reason: "bad_timestamp" });
    // And svix agrees with what the worker signed.
    const { raw, headers } = receiver.received.find((r) => r.payload)!;
    expect(svix.verify(raw, headers as Record<string, string>)).toEqual(JSON.parse(raw));
  });

  it("webhookEndpoints: an endpoint added and rotated at runtime; its POSTs verify under the old and the new secret", async () => {
    const client = new HeraldClient({ apiKey: herald.apiKey, baseUrl: herald.url });
    const got: { raw: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        got.push({ raw: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/second`;
      const created = await client.webhookEndpoints.create({
        url,
        statuses: ["SENT"],
        description: "second",
      });
      const rotated = await client.webhookEndpoints.rotateSecret(created.id);
      expect(rotated.secret).not.toBe(created.secret);
      const listed = (await client.webhookEndpoints.list()).data;
      expect(listed.map((e) => [e.id, e.source])).toEqual([
        ["whe_env", "env"],
        [created.id, "api"],
      ]);

      const { eventId } = await client.events.trigger({
        type: "payment_failed",
        userId: "hook-rota",
        data: catalog.payment_failed.example,
        channels: ["in_app"],
      });
      const delivery = await eventually(() => got.find((g) => g.raw.includes(eventId)) ?? null, 20_000);
      const underOld = await verifyWebhook<StatusWebhookPayload>(
        delivery.raw,
        delivery.headers,
        created.secret,
      );
      const underNew = await verifyWebhook<StatusWebhookPayload>(
        delivery.raw,
        delivery.headers,
        rotated.secret,
      );
      expect(underNew).toEqual(underOld);
      expect(underNew.data.map((c) => [c.eventId, c.status])).toEqual([[eventId, "SENT"]]);

      const ping = await client.webhookEndpoints.test(created.id);
      expect(ping).toMatchObject({ ok: true, status: 204 });
      const pinged = got.find((g) => g.headers["webhook-id"] === ping.webhookId)!;
      expect(await verifyWebhook(pinged.raw, pinged.headers, rotated.secret)).toMatchObject({
        type: "herald.ping",
        data: { endpointId: created.id },
      });
      expect((await client.webhookEndpoints.update(created.id, { enabled: false })).enabled).toBe(false);
      expect((await client.webhookEndpoints.get(created.id)).delivery.lastSuccessAt).not.toBeNull();
      await client.webhookEndpoints.delete(created.id);
      await expect(client.webhookEndpoints.get(created.id)).rejects.toMatchObject({ status: 404 });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
