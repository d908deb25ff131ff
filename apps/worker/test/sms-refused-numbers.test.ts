import {
  findSuppression,
  getNotification,
  getTimeline,
  listEventNotifications,
  type NotificationRow,
} from "@herald/db";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import { acceptGroup } from "./accept-group.ts";
import type { TestWorker } from "./test-worker.ts";
import { useTwilioFakes } from "./twilio-env.ts";

/**
 * A number Twilio refuses for good at `messages.create` (21610: the
 * recipient replied STOP) is put on the suppression list by the worker, as
 * the API's status callback does for the same codes: later SMS to it are
 * SUPPRESSED (at routing, or at the send-time re-check for one routed
 * before) instead of being sent to Twilio and refused again.
 */

const fakes = useTwilioFakes();

const STOPPED = "+14155550177";
let order = 0;
/** `order_placed` data of its own each time: the same data twice would read as one order. */
const data = () => ({ ...catalog.order_placed.example, orderId: `A-${++order}` });

async function smsOf(w: TestWorker, eventId: string, status?: string): Promise<NotificationRow> {
  return eventually(async () => {
    const n = (await listEventNotifications(w.deps.db, eventId)).find((x) => x.channel === "sms");
    return n && (!status || n.status === status) ? n : null;
  });
}

describe("SMS to a number Twilio refuses for good", () => {
  it("STOP (21610): that SMS fails, the number is suppressed, later SMS to it are SUPPRESSED without a call to Twilio", async () => {
    fakes.twilio.rejectNumber(STOPPED, 21610);
    const w = await fakes.start();
    // Routed before the refusal, to go out later: the send-time re-check must catch it.
    const later = await w.trigger("order_placed", "stopper", {
      channels: ["sms"],
      phone: STOPPED,
      data: data(),
      sendAt: new Date(Date.now() + 3_600_000),
    });
    const held = await smsOf(w, later, "SCHEDULED");

    const first = await w.trigger("order_placed", "stopper", {
      channels: ["sms"],
      phone: STOPPED,
      data: data(),
    });
    const failed = await smsOf(w, first, "FAILED");
    expect(failed).toMatchObject({ reason: "permanent_error", retryCount: 0 });
    expect(failed.lastError).toContain("21610");
    expect((await getTimeline(w.deps.db, failed.id)).at(-1)?.detail).toMatchObject({
      code: "21610",
      final: true,
      addressSuppressed: true,
    });
    const suppression = await findSuppression(w.deps.db, "sms", STOPPED);
    expect(suppression).toMatchObject({
      reason: "bounced",
      provider: "twilio",
      notificationId: failed.id,
      detail: { errorCode: "21610", stage: "send" },
    });

    // Routing: suppressed at once, no row sent to the queue.
    const next = await w.trigger("order_placed", "stopper", {
      channels: ["sms"],
      phone: STOPPED,
      data: data(),
    });
    expect(await smsOf(w, next, "SUPPRESSED")).toMatchObject({ reason: "bounced_address" });

    // The one held since before: suppressed when it comes due.
    await (await w.deps.queues.find("sms", held.id))!.promote();
    const withdrawn = await eventually(async () => {
      const n = await getNotification(w.deps.db, held.id);
      return n?.status === "SUPPRESSED" ? n : null;
    });
    expect(withdrawn.reason).toBe("bounced_address");
    expect((await getTimeline(w.deps.db, held.id)).at(-1)?.detail).toMatchObject({ stage: "send" });

    expect(fakes.twilio.received.map((r) => [r.form.To, r.errorCode])).toEqual([[STOPPED, 21610]]);
  });

  it("in a send batch: the STOP number fails and is suppressed, the others of the batch are sent", async () => {
    fakes.twilio.rejectNumber(STOPPED, 21610);
    const w = await fakes.start();
    const { ids } = await acceptGroup(
      w,
      [
        { userId: "batch-stop", phone: STOPPED },
        { userId: "batch-ok", phone: "+14155550188" },
      ],
      { channels: ["sms"] },
    );
    const [stopped, ok] = await Promise.all(ids.map((id) => smsOf(w, id)));
    expect(stopped!.sendJob).toMatch(/^snd_/);
    expect(stopped!.sendJob).toBe(ok!.sendJob);
    await smsOf(w, ids[0]!, "FAILED");
    await smsOf(w, ids[1]!, "SENT");
    expect(await findSuppression(w.deps.db, "sms", STOPPED)).toMatchObject({ notificationId: stopped!.id });
    expect(await findSuppression(w.deps.db, "sms", "+14155550188")).toBeNull();

    const again = await acceptGroup(w, [{ userId: "batch-stop", phone: STOPPED }], { channels: ["sms"] });
    expect(await smsOf(w, again.ids[0]!, "SUPPRESSED")).toMatchObject({ reason: "bounced_address" });
    expect(fakes.twilio.received.filter((r) => r.form.To === STOPPED)).toHaveLength(1);
  });

  it("21211, 21612 and 21614 (an invalid, unreachable or landline number) suppress it too; 21408 (a country the account may not send to) does not", async () => {
    const numbers = {
      21211: "+14155550201",
      21612: "+14155550202",
      21614: "+14155550203",
      21408: "+14155550204",
    };
    for (const [code, phone] of Object.entries(numbers)) fakes.twilio.rejectNumber(phone, Number(code));
    const w = await fakes.start();
    for (const [code, phone] of Object.entries(numbers)) {
      const eventId = await w.trigger("order_placed", `refused-${code}`, {
        channels: ["sms"],
        phone,
        data: data(),
      });
      const n = await smsOf(w, eventId, "FAILED");
      expect([code, n.reason]).toEqual([code, "permanent_error"]);
      const suppression = await findSuppression(w.deps.db, "sms", phone);
      if (code === "21408") expect(suppression).toBeNull();
      else expect(suppression).toMatchObject({ reason: "bounced", detail: { errorCode: code } });
    }
  });
});
