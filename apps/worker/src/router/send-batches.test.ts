import type { NewNotification } from "@herald/db";
import { describe, expect, it } from "vitest";
import { assignSendBatches } from "./send-batches.ts";

const row = (i: number, over: Partial<NewNotification> = {}): NewNotification => ({
  id: `ntf_${i}`,
  eventId: `evt_${i}`,
  recipientId: `usr_${i}`,
  userId: `u${i}`,
  type: "order_placed",
  category: "transactional",
  channel: "sms",
  priority: "normal",
  status: "QUEUED",
  content: { body: "hi" } as NewNotification["content"],
  ...over,
});

const stamps = (rows: NewNotification[]) => rows.map((r) => r.sendJob ?? null);

describe("assignSendBatches", () => {
  it("stamps rows of one channel and priority in batches of sendBatchSize, leaving a lone remainder alone", () => {
    const rows = assignSendBatches(
      { sendBatchSize: 3, rateLimit: {} },
      {},
      [0, 1, 2, 3, 4, 5, 6].map((i) => row(i)),
    );
    const [a, b, c] = [rows[0]!.sendJob, rows[3]!.sendJob, rows[6]!.sendJob];
    expect(a).toMatch(/^snd_/);
    expect(stamps(rows)).toEqual([a, a, a, b, b, b, null]);
    expect(a).not.toBe(b);
    expect(c).toBeUndefined();
  });

  it("never mixes channels or priorities in one batch", () => {
    const rows = assignSendBatches({ sendBatchSize: 10, rateLimit: {} }, {}, [
      row(0),
      row(1, { channel: "email" }),
      row(2),
      row(3, { channel: "email" }),
      row(4, { priority: "critical" }),
      row(5, { priority: "critical" }),
    ]);
    const [sms, email, critical] = [rows[0]!.sendJob, rows[1]!.sendJob, rows[4]!.sendJob];
    expect(stamps(rows)).toEqual([sms, email, sms, email, critical, critical]);
    expect(new Set([sms, email, critical]).size).toBe(3);
  });

  it("leaves scheduled, non-QUEUED and rate-limited rows (a sender without batch requests) to jobs of their own, and does nothing at size 1", () => {
    const later = new Date(Date.now() + 60_000);
    const mixed = [
      row(0, { status: "SCHEDULED", scheduledAt: later }),
      row(1, { status: "SCHEDULED", scheduledAt: later }),
      row(2, { status: "SUPPRESSED" }),
      row(3, { status: "SUPPRESSED" }),
      row(4, { channel: "push" }),
      row(5, { channel: "push" }),
    ];
    const limited = assignSendBatches(
      { sendBatchSize: 10, rateLimit: { push: { max: 10, duration: 1000 } } },
      {},
      mixed,
    );
    expect(stamps(limited)).toEqual([null, null, null, null, null, null]);
    const off = assignSendBatches({ sendBatchSize: 1, rateLimit: {} }, {}, [row(0), row(1)]);
    expect(stamps(off)).toEqual([null, null]);
  });
  it("batches a rate-limited channel only when its sender sends a batch in one request, one request per job", () => {
    const limit = { email: { max: 2, duration: 1000 }, sms: { max: 2, duration: 1000 } };
    const rows = [0, 1, 2, 3, 4].map((i) => row(i, { channel: "email" }));
    const sms = [5, 6].map((i) => row(i));
    const out = assignSendBatches(
      { sendBatchSize: 100, rateLimit: limit },
      { email: { requestBatchSize: 2 } },
      [...rows, ...sms],
    );
    const [a, b] = [out[0]!.sendJob, out[2]!.sendJob];
    // Two per job (the provider's request size), the lone fifth on its own; SMS sends one by one.
    expect(stamps(out)).toEqual([a, a, b, b, null, null, null]);
    expect(a).not.toBe(b);
  });
});
