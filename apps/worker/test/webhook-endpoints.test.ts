import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  rotateWebhookEndpointSecret,
  statusWebhookBacklog,
  updateWebhookEndpoint,
} from "@herald/db";
import { DEFAULT_STATUS_WEBHOOK_STATUSES } from "@herald/domain";
import { readReliabilityCounters } from "@herald/jobs";
import { eventually, type TestDatabase, testQueuePrefix } from "@herald/testkit";
import { Webhook } from "svix";
import { describe, expect, it } from "vitest";
import {
  batchCount,
  capturedLogger,
  closedAfterEach,
  expectOncePerNotification,
  newSecret,
  outboxCount,
  seedChanges,
  startDispatcher,
  taken,
} from "./status-webhook-kit.ts";

const { cleanups, database, receiver } = closedAfterEach();

/**
 * A dispatcher process's code with no STATUS_WEBHOOK_URL: only the endpoints
 * of the table, which may be on loopback (the receivers are) unless `env` says otherwise.
 */
function dispatcher(db: TestDatabase, env: Record<string, string> = {}) {
  const d = startDispatcher(db.url, testQueuePrefix(), { WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: "true", ...env });
  cleanups.push(d.close);
  return d;
}

const all = [...DEFAULT_STATUS_WEBHOOK_STATUSES];
const expecting = (ids: string[], statuses: string[]) => Object.fromEntries(ids.map((id) => [id, statuses]));

describe("webhook endpoints", () => {
  it("one endpoint failing (500) holds back no other: the healthy one gets everything in order, the failing one its filtered backlog once it recovers", async () => {
    const db = await database();
    const [okSecret, badSecret] = [newSecret(), newSecret()];
    const ok = await receiver(okSecret);
    const bad = await receiver(badSecret);
    bad.failNext(1_000_000);
    const healthy = await createWebhookEndpoint(db.db, { url: ok.url, statuses: all, secret: okSecret });
    const failing = await createWebhookEndpoint(db.db, {
      url: bad.url,
      statuses: ["DELIVERED"],
      secret: badSecret,
    });
    const ids = await seedChanges(db, "iso", 6, ["SENT", "DELIVERED", "READ"], { env: false });
    // Only what each one's filter names was recorded for it.
    expect(await outboxCount(db, healthy.id)).toBe(18);
    expect(await outboxCount(db, failing.id)).toBe(6);
    expect(await outboxCount(db)).toBe(24);
    dispatcher(db, { STATUS_WEBHOOK_BATCH_SIZE: "4" });

    await eventually(async () => (await outboxCount(db, healthy.id)) === 0, 15_000);
    await eventually(() => bad.deliveries.length >= 2, 15_000);
    // Changes made while it fails go to the healthy one too.
    const late = await seedChanges(db, "late", 3, ["SENT", "DELIVERED"], { env: false });
    await eventually(async () => (await outboxCount(db, healthy.id)) === 0, 15_000);
    expectOncePerNotification(ok.deliveries, {
      ...expecting(ids, ["SENT", "DELIVERED", "READ"]),
      ...expecting(late, ["SENT", "DELIVERED"]),
    });
    expect(ok.deliveries.every((d) => d.verified && d.status === 204)).toBe(true);

    // The failing one: one batch, retried under one id, the rest of its backlog waiting behind it.
    expect(await outboxCount(db, failing.id)).toBe(9);
    expect(await batchCount(db, failing.id)).toBe(1);
    expect(new Set(bad.deliveries.map((d) => d.headers["webhook-id"])).size).toBe(1);
    const sick = (await getWebhookEndpoint(db.db, failing.id))!;
    expect(sick).toMatchObject({ lastError: "answered 500", lastSuccessAt: null });
    expect(sick.failingSince).not.toBeNull();
    expect(sick.failedAttempts).toBeGreaterThanOrEqual(2);
    expect((await getWebhookEndpoint(db.db, healthy.id))!.lastSuccessAt).not.toBeNull();

    bad.failNext(0);
    await eventually(async () => (await outboxCount(db, failing.id)) === 0, 15_000);
    expectOncePerNotification(bad.deliveries, {
      ...expecting(ids, ["DELIVERED"]),
      ...expecting(late, ["DELIVERED"]),
    });
    expect(bad.deliveries.every((d) => d.verified)).toBe(true);
    const well = (await getWebhookEndpoint(db.db, failing.id))!;
    expect(well).toMatchObject({ failingSince: null, lastError: null, failedAttempts: 0 });
    expect(well.lastSuccessAt).not.toBeNull();
  });

  it("picks up an endpoint created at runtime, stops recording a disabled one, and drops a deleted one's changes", async () => {
    const db = await database();
    dispatcher(db);
    const secret = newSecret();
    const r = await receiver(secret);
    // Created after the dispatcher started, as through the API.
    const added = await createWebhookEndpoint(db.db, { url: r.url, statuses: ["SENT"], secret });
    const ids = await seedChanges(db, "rt", 3, ["SENT"], { env: false });
    await eventually(() => taken(r.deliveries).length === 3, 10_000);
    expectOncePerNotification(r.deliveries, expecting(ids, ["SENT"]));

    await updateWebhookEndpoint(db.db, added.id, { enabled: false });
    await seedChanges(db, "off", 2, ["SENT"], { env: false });
    expect(await outboxCount(db, added.id)).toBe(0);

    const downSecret = newSecret();
    const down = await receiver(downSecret);
    await down.down();
    const doomed = await createWebhookEndpoint(db.db, {
      url: down.url,
      statuses: ["SENT"],
      secret: downSecret,
    });
    await seedChanges(db, "doomed", 4, ["SENT"], { env: false });
    expect(await outboxCount(db, doomed.id)).toBe(4);
    await eventually(async () => (await getWebhookEndpoint(db.db, doomed.id))?.lastError != null, 10_000);
    expect(await deleteWebhookEndpoint(db.db, doomed.id)).toMatchObject({
      droppedChanges: 4,
      pendingDrop: false,
    });
    expect(await outboxCount(db, doomed.id)).toBe(0);
    expect(await batchCount(db, doomed.id)).toBe(0);
    await seedChanges(db, "after", 2, ["SENT"], { env: false });
    expect(await outboxCount(db)).toBe(0);
  });

  it("sweeps what a deleted endpoint left beyond the request's bound, and a change recorded for it after, counting and logging them", async () => {
    const db = await database();
    const endpoint = (host: string) =>
      createWebhookEndpoint(db.db, { url: `https://${host}/h`, statuses: ["SENT"], secret: newSecret() });
    const [doomed, other] = [await endpoint("gone.example"), await endpoint("other.example")];
    await updateWebhookEndpoint(db.db, other.id, { enabled: false });
    // The row shape the triggers write, in one statement.
    const record = (endpointId: string, n: number, tag: string) => db.sql`
      insert into status_webhook_changes (endpoint_id, notification_id, status, previous_status)
      select ${endpointId}, 'ntf_' || ${tag} || g, 'SENT', 'QUEUED' from generate_series(1, ${n}) g`;
    await record(doomed.id, 12_000, "big");
    await record(other.id, 50, "other");
    expect(await deleteWebhookEndpoint(db.db, doomed.id)).toMatchObject({
      droppedChanges: 5000,
      pendingDrop: true,
    });
    // Recorded after the delete, by a statement that read the settings before it.
    await record(doomed.id, 1, "late");

    // The dispatcher's own sweep, at start and then every minute beside the expiry.
    const { lines, logger } = capturedLogger();
    const prefix = testQueuePrefix();
    const d = startDispatcher(db.url, prefix, { WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: "true" }, { logger });
    cleanups.push(d.close);
    await eventually(async () => (await outboxCount(db, doomed.id)) === 0, 10_000);
    expect(await outboxCount(db, other.id)).toBe(50);
    await eventually(
      async () =>
        (await readReliabilityCounters(d.deps.redis, prefix)).status_webhooks_endpoint_deleted === 7001,
      5000,
    );
    const swept = () => lines.filter((l) => l.msg.includes("waiting for deleted endpoint"));
    expect(swept()).toEqual([
      expect.objectContaining({ level: "info", dropped: 7001, byEndpoint: { [doomed.id]: 7001 } }),
    ]);
    // Nothing left: no line.
    expect((await d.running.statusWebhooks!.sweepDeleted()).count).toBe(0);
    expect(swept()).toHaveLength(1);
  });

  it("signs with the new and the previous secret after a rotation: a receiver with either verifies", async () => {
    const db = await database();
    const [oldSecret, newOne] = [newSecret(), newSecret()];
    const r = await receiver(oldSecret);
    const endpoint = await createWebhookEndpoint(db.db, {
      url: r.url,
      statuses: ["SENT"],
      secret: oldSecret,
    });
    await rotateWebhookEndpointSecret(db.db, endpoint.id, newOne);
    dispatcher(db);
    await seedChanges(db, "rot", 2, ["SENT"], { env: false });
    await eventually(() => taken(r.deliveries).length === 2, 10_000);
    const [d] = r.deliveries;
    expect(d!.verified).toBe(true);
    expect(d!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(() => new Webhook(newOne).verify(d!.raw, d!.headers)).not.toThrow();

    // Past the grace period only the new secret signs.
    await db.sql`update webhook_endpoints set previous_secret_until = now() - interval '1 second'`;
    await eventually(async () => {
      await seedChanges(db, `late${r.deliveries.length}`, 1, ["SENT"], { env: false });
      return r.deliveries.at(-1)?.verified === false;
    }, 10_000);
    const last = r.deliveries.at(-1)!;
    expect(last.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(() => new Webhook(newOne).verify(last.raw, last.headers)).not.toThrow();
  });
});

describe("webhook endpoints with WEBHOOK_ALLOW_PRIVATE_ENDPOINTS off (the default)", () => {
  it("POSTs nothing to an endpoint whose name resolves to loopback, its batch waiting with the reason, while STATUS_WEBHOOK_URL on loopback (the operator's) is delivered", async () => {
    const db = await database();
    const [envSecret, endpointSecret] = [newSecret(), newSecret()];
    const operator = await receiver(envSecret);
    const inside = await receiver(endpointSecret);
    // Straight into the table, past the API's check of the URL's text: a name, judged by what it resolves to.
    const inward = await createWebhookEndpoint(db.db, {
      url: inside.url.replace("127.0.0.1", "localhost"),
      statuses: ["SENT"],
      secret: endpointSecret,
    });
    const ids = await seedChanges(db, "ssrf", 3, ["SENT"]);
    const strict = startDispatcher(db.url, testQueuePrefix(), {
      STATUS_WEBHOOK_URL: operator.url,
      STATUS_WEBHOOK_SECRET: envSecret,
    });
    let closed = false;
    const closeStrict = async () => {
      if (!closed) await strict.close();
      closed = true;
    };
    cleanups.push(closeStrict);

    await eventually(() => taken(operator.deliveries).length === 3, 10_000);
    expectOncePerNotification(operator.deliveries, expecting(ids, ["SENT"]));
    const held = await eventually(
      async () => (await statusWebhookBacklog(db.db, inward.id)).retrying,
      10_000,
    );
    const refusal =
      /^unreachable: localhost resolves to a non-public address \((127\.0\.0\.1|::1), loopback\)$/;
    expect(held.lastError).toMatch(refusal);
    expect(held.attempts).toBeGreaterThanOrEqual(1);
    expect(await outboxCount(db, inward.id)).toBe(3);
    // Recorded on the endpoint just after the batch.
    const endpoint = await eventually(async () => {
      const row = await getWebhookEndpoint(db.db, inward.id);
      return row?.lastError ? row : null;
    }, 5000);
    expect(endpoint).toMatchObject({ lastSuccessAt: null });
    expect(endpoint.lastError).toMatch(refusal);
    expect(inside.deliveries).toEqual([]);

    // The switch on, the same batch goes out: the refusal was the check's doing.
    await closeStrict();
    dispatcher(db);
    await eventually(async () => (await outboxCount(db, inward.id)) === 0, 15_000);
    expectOncePerNotification(inside.deliveries, expecting(ids, ["SENT"]));
    expect(inside.deliveries.map((d) => d.headers["webhook-id"])).toEqual([held.id]);
  });
});
