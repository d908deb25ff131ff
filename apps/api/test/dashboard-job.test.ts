import { PRIORITY_RANK } from "@herald/domain";
import { newId } from "@herald/ids";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedNotification } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

async function notification(fields: { priority: "critical" | "normal"; status: string; sendJob?: string }) {
  const { notification: n } = await seedNotification(api.deps.db, "job-user", {
    channel: "sms",
    recipient: { phone: "+14155550100" },
    priority: fields.priority,
    status: fields.status as never,
    ...(fields.sendJob ? { sendJob: fields.sendJob } : {}),
  });
  return n.id;
}

const jobOf = (id: string) => api.call("GET", `/v1/dashboard/notifications/${id}/job`);

describe("GET /v1/dashboard/notifications/:id/job (the Bull Board link)", () => {
  it("finds a critical notification's job in its channel's critical lane", async () => {
    const id = await notification({ priority: "critical", status: "QUEUED" });
    await api.deps.queues.add(
      "sms",
      "send",
      { notificationId: id },
      { jobId: id, priority: PRIORITY_RANK.critical },
    );
    const res = await jobOf(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ queue: "{sms_critical}", jobId: id, batch: false });
    expect(res.body.url).toBe(`/admin/queues/queue/${encodeURIComponent("{sms_critical}")}/${id}`);
  });

  it("links a batched notification to the send_batch job that carries it", async () => {
    const batch = newId("snd");
    const id = await notification({ priority: "normal", status: "QUEUED", sendJob: batch });
    await api.deps.queues.add("sms", "send_batch", { notificationIds: [id] }, { jobId: batch });
    const res = await jobOf(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ queue: "{sms}", jobId: batch, batch: true });
    expect(res.body.url).toBe(`/admin/queues/queue/${encodeURIComponent("{sms}")}/${batch}`);
  });

  it("answers 404 for a notification without a job (digested), and for an unknown one", async () => {
    const id = await notification({ priority: "normal", status: "DIGESTED" });
    expect((await jobOf(id)).status).toBe(404);
    expect((await jobOf("ntf_nope")).status).toBe(404);
  });
});
