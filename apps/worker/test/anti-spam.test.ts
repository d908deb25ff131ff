import { getEvent, suppressAddress, upsertRecipient } from "@herald/db";
import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emit, outboxFor, reaches, routed, testClock } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

const clock = testClock("2026-05-04T12:00:00Z");
let w: TestWorker;
let hashing: TestWorker;
beforeAll(async () => {
  [w, hashing] = await Promise.all([
    createTestWorker({ DEDUP_WINDOW: "10m", FREQUENCY_CAPS: "marketing:email:3/1d" }, { now: clock.now }),
    createTestWorker({ DEDUP_WINDOW: "10m", DEDUP_CONTENT_HASH: "true" }, { now: clock.now }),
  ]);
});
afterAll(() => Promise.all([w.close(), hashing.close()]));

const MIN = 60_000;
const user = (wk: TestWorker, id: string, email = `${id}@example.com`) =>
  upsertRecipient(wk.deps.db, id, { email, phone: "+14155550100", timezone: "UTC" });

describe("dedup window", () => {
  it("sends one notification per user + type + dedupKey within DEDUP_WINDOW; the rest are SUPPRESSED duplicate", async () => {
    await user(w, "dora");
    await user(w, "dan");
    const first = await emit(w, {
      type: "order_placed",
      userId: "dora",
      channels: ["email"],
      dedupKey: "order-1",
    });
    await reaches(w, first, "email", "SENT");
    // Several at once from several routers: none of them gets through.
    const repeats = await Promise.all(
      [1, 2, 3].map(() =>
        emit(w, { type: "order_placed", userId: "dora", channels: ["email"], dedupKey: "order-1" }),
      ),
    );
    for (const id of repeats) {
      const n = await reaches(w, id, "email", "SUPPRESSED");
      expect(n.reason).toBe("duplicate");
      expect(await outboxFor(w, [n.id])).toEqual([]);
    }
    // Another key, another user or another type is not a duplicate.
    const others = [
      await emit(w, { type: "order_placed", userId: "dora", channels: ["email"], dedupKey: "order-2" }),
      await emit(w, { type: "order_placed", userId: "dan", channels: ["email"], dedupKey: "order-1" }),
      await emit(w, { type: "payment_failed", userId: "dora", channels: ["email"], dedupKey: "order-1" }),
    ];
    for (const id of others) await reaches(w, id, "email", "SENT");
  });

  it("lets the key through again once the window has passed", async () => {
    await user(w, "dina");
    clock.set("2026-05-04T12:00:00Z");
    const a = await emit(w, { type: "order_placed", userId: "dina", channels: ["email"], dedupKey: "k" });
    await reaches(w, a, "email", "SENT");
    clock.advance(9 * MIN);
    const b = await emit(w, { type: "order_placed", userId: "dina", channels: ["email"], dedupKey: "k" });
    expect((await reaches(w, b, "email", "SUPPRESSED")).reason).toBe("duplicate");
    clock.advance(2 * MIN); // 11 minutes after the first
    const c = await emit(w, { type: "order_placed", userId: "dina", channels: ["email"], dedupKey: "k" });
    await reaches(w, c, "email", "SENT");
  });

  it("without a dedupKey, never deduplicates by default", async () => {
    await user(w, "dirk");
    const ids = [
      await emit(w, { type: "order_placed", userId: "dirk", channels: ["email"] }),
      await emit(w, { type: "order_placed", userId: "dirk", channels: ["email"] }),
    ];
    for (const id of ids) await reaches(w, id, "email", "SENT");
  });

  it("with DEDUP_CONTENT_HASH, identical data is the key", async () => {
    await user(hashing, "hana");
    const a = await emit(hashing, { type: "order_placed", userId: "hana", channels: ["email"] });
    await reaches(hashing, a, "email", "SENT");
    const b = await emit(hashing, { type: "order_placed", userId: "hana", channels: ["email"] });
    expect((await reaches(hashing, b, "email", "SUPPRESSED")).reason).toBe("duplicate");
    const other = await emit(hashing, {
      type: "order_placed",
      userId: "hana",
      channels: ["email"],
      data: { ...catalog.order_placed.example, orderId: "B-7" },
    });
    await reaches(hashing, other, "email", "SENT");
  });
});

describe("frequency caps", () => {
  it("sends at most 3 marketing e-mails per user per day (FREQUENCY_CAPS=marketing:email:3/1d)", async () => {
    clock.set("2026-05-04T12:00:00Z");
    await user(w, "carl");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await emit(w, { type: "weekly_promo", userId: "carl" });
      await routed(w, id); // one after the other, so the order of the outcomes is known
      ids.push(id);
      clock.advance(MIN);
    }
    const statuses = [];
    for (const id of ids) {
      const { notifications } = await routed(w, id);
      statuses.push(notifications.map((n) => `${n.channel}:${n.status}:${n.reason ?? ""}`));
    }
    // Push has no device (unreachable, on the event); e-mail: three go, two are capped.
    expect(statuses.flat().map((s) => s.replace(/:QUEUED:|:SENT:/, ":ok:"))).toEqual([
      "email:ok:",
      "email:ok:",
      "email:ok:",
      "email:SUPPRESSED:frequency_cap",
      "email:SUPPRESSED:frequency_cap",
    ]);
    // Other categories and other users are not capped.
    const order = await emit(w, { type: "order_placed", userId: "carl", channels: ["email"] });
    await reaches(w, order, "email", "SENT");
    await user(w, "cleo");
    const promo = await emit(w, { type: "weekly_promo", userId: "cleo" });
    await reaches(w, promo, "email", "SENT");
    // A critical override bypasses the cap.
    const urgent = await emit(w, { type: "weekly_promo", userId: "carl", priority: "critical" });
    await reaches(w, urgent, "email", "SENT");

    // A day after the first one, a slot frees up.
    clock.set("2026-05-05T12:00:30Z");
    const nextDay = await emit(w, { type: "weekly_promo", userId: "carl" });
    await reaches(w, nextDay, "email", "SENT");
    await routed(w, nextDay);
    const again = await emit(w, { type: "weekly_promo", userId: "carl" });
    expect((await reaches(w, again, "email", "SUPPRESSED")).reason).toBe("frequency_cap");
  });

  it("holds across concurrent routers: 10 at once still gives exactly 3", async () => {
    await user(w, "cora");
    const ids = await Promise.all(
      Array.from({ length: 10 }, () => emit(w, { type: "weekly_promo", userId: "cora" })),
    );
    const rows = await Promise.all(ids.map(async (id) => (await routed(w, id)).notifications[0]!));
    expect(rows.filter((n) => n.status !== "SUPPRESSED")).toHaveLength(3);
    expect(rows.filter((n) => n.reason === "frequency_cap")).toHaveLength(7);
  });
});

describe("bounced and complained addresses", () => {
  it("suppresses the channel of a bounced address until the user's address changes", async () => {
    await user(w, "bea", "Bea@Example.com");
    await suppressAddress(w.deps.db, {
      channel: "email",
      address: " bea@example.COM",
      reason: "bounced",
      provider: "resend",
    });
    const id = await emit(w, { type: "order_placed", userId: "bea", channels: ["email", "sms"] });
    const email = await reaches(w, id, "email", "SUPPRESSED");
    expect(email.reason).toBe("bounced_address");
    await reaches(w, id, "sms", "SENT");
    expect(await outboxFor(w, [email.id])).toEqual([]);
    // Critical or not: a dead mailbox stays dead.
    const reset = await emit(w, { type: "password_reset", userId: "bea" });
    expect((await reaches(w, reset, "email", "SUPPRESSED")).reason).toBe("bounced_address");

    await user(w, "bea", "bea.new@example.com");
    const later = await emit(w, { type: "order_placed", userId: "bea", channels: ["email"] });
    const sent = await reaches(w, later, "email", "SENT");
    expect((await outboxFor(w, [sent.id]))[0]?.destination).toBe("bea.new@example.com");
    expect((await getEvent(w.deps.db, later))?.suppressed).toEqual([]);
  });

  it("keeps a complaint when a later bounce for the same address arrives", async () => {
    const first = await suppressAddress(w.deps.db, {
      channel: "sms",
      address: "+1 415 555 0199",
      reason: "complained",
    });
    const second = await suppressAddress(w.deps.db, {
      channel: "sms",
      address: "+14155550199",
      reason: "bounced",
    });
    expect(first.addressHash).toBe(second.addressHash);
    expect(second.reason).toBe("complained");
  });
});
