import { type ChildProcess, spawn } from "node:child_process";
import { configureStatusWebhooks, createWebhookEndpoint } from "@herald/db";
import { DEFAULT_STATUS_WEBHOOK_STATUSES } from "@herald/domain";
import {
  eventually,
  type TestDatabase,
  testDatabase,
  testQueuePrefix,
  testRedisUrl,
  WORKER_MAIN,
} from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectOncePerNotification,
  FAST,
  newSecret,
  outboxCount,
  seedChanges,
} from "../status-webhook-kit.ts";
import { startVerifyingReceiver } from "../verifying-receiver.ts";

let db: TestDatabase;
let receiver: Awaited<ReturnType<typeof startVerifyingReceiver>>;
const children: ChildProcess[] = [];
const secret = newSecret();

/**
 * A real worker process (the worker's own entry point) serving only
 * `maintenance`: the dispatcher. With `envUrl` false, no STATUS_WEBHOOK_URL:
 * it serves the endpoints of `webhook_endpoints` only.
 */
function dispatcherProcess(prefix: string, envUrl = true): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER_MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      MIGRATE_ON_START: "false",
      WORKER_CHANNELS: "maintenance",
      // The endpoints of the table are on loopback too.
      WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: "true",
      ...(envUrl ? { STATUS_WEBHOOK_URL: receiver.url, STATUS_WEBHOOK_SECRET: secret } : {}),
      ...FAST,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  db = await testDatabase();
  receiver = await startVerifyingReceiver(secret);
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await receiver?.close();
  await db?.drop();
});

describe("a dispatcher process killed mid-POST", () => {
  it("kill -9 while the receiver holds the batch: another process POSTs it again under the same webhook-id; nothing lost", async () => {
    const prefix = testQueuePrefix();
    const ids = await seedChanges(db, "kill", 8, ["SENT", "DELIVERED"]);
    receiver.hold(60_000);
    const doomed = dispatcherProcess(prefix);
    await eventually(() => receiver.deliveries.length === 1, 30_000);
    const exited = new Promise((resolve) => doomed.once("exit", resolve));
    doomed.kill("SIGKILL");
    await exited;
    // It never learned the answer: its changes stay, in its batch.
    expect(await outboxCount(db)).toBe(16);

    receiver.hold(0);
    const rescuer = dispatcherProcess(prefix);
    // The batch's lease (STATUS_WEBHOOK_TIMEOUT + 5 s) runs out, then the rescuer takes it over.
    await eventually(async () => (await outboxCount(db)) === 0, 30_000);
    const [cut, ...rest] = receiver.deliveries;
    expect(cut!.status).toBe(0);
    const again = rest.filter((d) => d.headers["webhook-id"] === cut!.headers["webhook-id"]);
    expect(again).toHaveLength(1);
    expect(again[0]!.raw).toBe(cut!.raw);
    expect(receiver.deliveries.every((d) => d.verified)).toBe(true);
    // Every change once apart from the cut-off POST, whose redelivery is the same batch, id and body.
    expectOncePerNotification(rest, Object.fromEntries(ids.map((id) => [id, ["SENT", "DELIVERED"]])));
    rescuer.kill("SIGTERM");
    await new Promise((resolve) => rescuer.once("exit", resolve));
  }, 90_000);

  it("kill -9 while two endpoints' receivers hold a batch each: both are POSTed again under their webhook-ids; nothing lost", async () => {
    const prefix = testQueuePrefix();
    await configureStatusWebhooks(db.db, null);
    const secrets = [newSecret(), newSecret()];
    const receivers = await Promise.all(secrets.map((s) => startVerifyingReceiver(s)));
    try {
      const endpoints = await Promise.all(
        receivers.map((r, i) =>
          createWebhookEndpoint(db.db, {
            url: r.url,
            statuses: [...DEFAULT_STATUS_WEBHOOK_STATUSES],
            secret: secrets[i]!,
          }),
        ),
      );
      const ids = await seedChanges(db, "kill2", 6, ["SENT", "DELIVERED"], { env: false });
      expect(await outboxCount(db)).toBe(24);
      for (const r of receivers) r.hold(60_000);
      const doomed = dispatcherProcess(prefix, false);
      await eventually(() => receivers.every((r) => r.deliveries.length === 1), 30_000);
      const exited = new Promise((resolve) => doomed.once("exit", resolve));
      doomed.kill("SIGKILL");
      await exited;
      for (const e of endpoints) expect(await outboxCount(db, e.id)).toBe(12);

      for (const r of receivers) r.hold(0);
      const rescuer = dispatcherProcess(prefix, false);
      await eventually(async () => (await outboxCount(db)) === 0, 30_000);
      for (const r of receivers) {
        const [cut, ...rest] = r.deliveries;
        expect(cut!.status).toBe(0);
        const again = rest.filter((d) => d.headers["webhook-id"] === cut!.headers["webhook-id"]);
        expect(again).toHaveLength(1);
        expect(again[0]!.raw).toBe(cut!.raw);
        expect(r.deliveries.every((d) => d.verified)).toBe(true);
        expectOncePerNotification(rest, Object.fromEntries(ids.map((id) => [id, ["SENT", "DELIVERED"]])));
      }
      rescuer.kill("SIGTERM");
      await new Promise((resolve) => rescuer.once("exit", resolve));
    } finally {
      await Promise.all(receivers.map((r) => r.close()));
    }
  }, 90_000);
});
