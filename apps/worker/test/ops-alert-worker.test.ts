import { randomBytes } from "node:crypto";
import { getNotification } from "@herald/db";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptGroup } from "./accept-group.ts";
import { useTwilioFakes } from "./twilio-env.ts";
import { startVerifyingReceiver } from "./verifying-receiver.ts";

const SECRET = `whsec_${randomBytes(32).toString("base64")}`;
const fakes = useTwilioFakes();
let receiver: Awaited<ReturnType<typeof startVerifyingReceiver>>;
beforeAll(async () => {
  receiver = await startVerifyingReceiver(SECRET);
});
afterAll(() => receiver.close());

describe("a worker started with OPS_ALERT_WEBHOOK_SECRET", () => {
  it("signs the alert of a notification it dead-letters, under the alert job's id", async () => {
    const w = await fakes.start({
      WORKER_CHANNELS: "events,sms,dead_letter",
      RETRY_SCHEDULE: "0",
      OPS_ALERT_WEBHOOK_URL: receiver.url,
      OPS_ALERT_WEBHOOK_SECRET: SECRET,
      OPS_ALERT_GROUP_WAIT_MS: "50",
      OPS_ALERT_INTERVAL_MS: "60000",
    });
    fakes.twilio.failWith({ status: 503, times: 1 });
    await acceptGroup(w, [{ userId: "signed-alert", phone: "+14155550341" }], { channels: ["sms"] });
    await eventually(() => receiver.deliveries.length === 1);
    const [delivery] = receiver.deliveries;
    expect(delivery!.verified).toBe(true);
    const body = receiver.verifier.verify(delivery!.raw, delivery!.headers) as { count: number };
    expect(body.count).toBe(1);
    const jobs = await w.deps.queues.get("dead_letter").getJobs(["completed", "active", "waiting"]);
    expect(delivery!.headers["webhook-id"]).toBe(jobs.find((j) => j.name === "alert")?.id);
    const dead = jobs.find((j) => j.name === "dead")!.data.notificationId as string;
    expect((await getNotification(w.deps.db, dead))?.status).toBe("DEAD");
  });
});
