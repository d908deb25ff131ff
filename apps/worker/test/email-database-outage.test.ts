import { getTimeline, listEventNotifications, type NotificationRow } from "@herald/db";
import { type DatabaseRelay, eventually, startDatabaseRelay, testRedisUrl } from "@herald/testkit";
import type { Job } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { createWorkerDeps, type WorkerDeps } from "../src/deps.ts";
import { loadWorkerEnv } from "../src/env.ts";
import { type RunningWorkers, startWorkers } from "../src/start-workers.ts";
import { useEmailFakes } from "./email-fakes.ts";
import type { TestWorker } from "./test-worker.ts";

/**
 * An e-mail worker whose PostgreSQL goes away (a TCP relay cut) while it
 * sends, on the real Resend and SMTP fakes. The router runs on the database
 * directly (`WORKER_CHANNELS=events`), the e-mail worker through the relay.
 */
const fakes = useEmailFakes({ env: { WORKER_CHANNELS: "events" } });

let relay: DatabaseRelay | undefined;
let sender: { deps: WorkerDeps; running: RunningWorkers } | undefined;
afterEach(async () => {
  await sender?.running.close();
  await sender?.deps.close();
  sender = undefined;
  await relay?.close();
  relay = undefined;
});

/** An e-mail worker on `router`'s queues, reaching its database through a relay the test can cut. */
async function startEmailWorker(router: TestWorker): Promise<DatabaseRelay> {
  relay = await startDatabaseRelay(router.db.url);
  const deps = createWorkerDeps(
    loadWorkerEnv({
      ...fakes.env({
        WORKER_CHANNELS: "email",
        // Gives the SENT write up soon after the cut: the job is put back, as after a longer outage.
        STATUS_WRITE_RETRY_MS: "400",
        EMAIL_RETRY_SCHEDULE: "0,300ms,300ms,300ms,300ms",
      }),
      DATABASE_URL: relay.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: router.deps.env.queuePrefix,
      NODE_ENV: "test",
    }),
  );
  sender = { deps, running: startWorkers(deps) };
  return relay;
}

const emailOf = (w: TestWorker, eventId: string) =>
  eventually(async () =>
    (await listEventNotifications(w.deps.db, eventId)).find((n) => n.channel === "email"),
  );

const sentRow = (w: TestWorker, eventId: string) =>
  eventually(async () => {
    const n = await emailOf(w, eventId);
    return n.status === "SENT" ? n : null;
  }, 20_000);

const sendJob = async (w: TestWorker, n: NotificationRow): Promise<Job> =>
  (await w.deps.queues.find("email", n.id)) as Job;

/** Waits until `n`'s send job was put back (delayed, no attempt used) and returns its data. */
const putBack = (w: TestWorker, n: NotificationRow) =>
  eventually(async () => {
    if ((await (await sendJob(w, n))?.getState()) !== "delayed") return null;
    // Read again after the state: a job read while still active holds its data before the mark.
    const job = await sendJob(w, n);
    return job.attemptsMade === 0 ? job.data : null;
  }, 15_000);

describe("an e-mail whose SENT write gave up during a PostgreSQL outage", () => {
  it("Resend had accepted it: the put-back run keeps it on Resend through its 503s, and it arrives once", async () => {
    const router = await fakes.start();
    const cut = await startEmailWorker(router);
    // Resend takes the e-mail at once and answers a second later: the cut comes in between.
    fakes.resend.spoilAnswers({ delayMs: 1000, times: 1 });
    const eventId = await router.trigger("order_placed", "pg-1", { channels: ["email"] });
    await fakes.resend.waitFor(1);
    await cut.cut();
    fakes.resend.failWith({ status: 503, times: 3 });
    const n = await emailOf(router, eventId);
    await putBack(router, n);
    await cut.restore();

    const sent = await sentRow(router, eventId);
    const accepted = fakes.resend.accepted();
    expect(accepted).toHaveLength(1);
    expect(fakes.smtp.received).toHaveLength(0);
    expect([sent.provider, sent.providerMessageId, sent.ambiguousProvider]).toEqual([
      "resend",
      accepted[0]!.id,
      "resend",
    ]);
    expect(fakes.resend.received.map((r) => [r.status, r.idempotencyKey])).toEqual([
      [200, n.id],
      [503, n.id],
      [503, n.id],
      [503, n.id],
      [200, n.id],
    ]);
    const timeline = await getTimeline(router.deps.db, n.id);
    expect(timeline.find((t) => t.status === "SENT")?.detail).toMatchObject({
      provider: "resend",
      pinned: true,
    });
  });

  it("put back before any provider request: nothing noted, so the re-run fails over as usual", async () => {
    const router = await fakes.start();
    const cut = await startEmailWorker(router);
    await cut.cut();
    const eventId = await router.trigger("order_placed", "pg-2", { channels: ["email"] });
    const n = await emailOf(router, eventId);
    // The put-back is marked, and the mark alone pins nothing.
    expect(await putBack(router, n)).toMatchObject({ putBackAt: 0 });
    fakes.resend.failWith({ status: 503, times: 1 });
    await cut.restore();

    const sent = await sentRow(router, eventId);
    expect([sent.provider, sent.ambiguousProvider]).toEqual(["smtp", null]);
    expect(fakes.resend.received.map((r) => r.status)).toEqual([503]);
    expect(fakes.smtp.received).toHaveLength(1);
  });

  it("no outage: Resend answering 503 fails over to SMTP, one copy", async () => {
    const router = await fakes.start();
    await startEmailWorker(router);
    fakes.resend.failWith({ status: 503, times: 1 });
    const eventId = await router.trigger("order_placed", "pg-3", { channels: ["email"] });

    const sent = await sentRow(router, eventId);
    expect([sent.provider, sent.ambiguousProvider]).toEqual(["smtp", null]);
    expect(fakes.resend.accepted()).toHaveLength(0);
    expect(fakes.smtp.received).toHaveLength(1);
    expect((await sendJob(router, sent))?.data).not.toHaveProperty("putBackAt");
  });
});
