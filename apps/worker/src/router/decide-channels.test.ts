import { DEFAULT_PREFERENCES, type Preferences, type RecipientRow } from "@herald/db";
import { NO_OPT_IN } from "@herald/domain";
import { type ConditionInput, catalog, defineNotification, type NotificationType } from "@herald/templates";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decideChannels as decideWithOptIn } from "./decide-channels.ts";

// Nothing opt-in here (its cases are in decide-channels-opt-in.test.ts).
const decideChannels = (...args: DecideArgs) => decideWithOptIn(...args, NO_OPT_IN);
type DecideArgs = Parameters<typeof decideWithOptIn> extends [...infer A, unknown] ? A : never;

const recipient = {
  id: "usr_x",
  externalId: "u1",
  email: "a@example.com",
  phone: "+14155550100",
} as RecipientRow;
const device = { id: "dev_1", kind: "webpush" } as never;
const prefs = (p: Partial<Preferences>): Preferences => ({ ...DEFAULT_PREFERENCES, ...p });

describe("decideChannels", () => {
  it("uses every channel of the type when the user can be reached", () => {
    const d = decideChannels(catalog.order_placed, { channels: null, data: {} }, recipient, prefs({}), [
      device,
    ]);
    expect(d.channels.sort()).toEqual(["email", "in_app", "push", "sms"]);
    expect(d.suppressed).toEqual([]);
  });

  it("records opted-out and unreachable channels with their reason", () => {
    const d = decideChannels(
      catalog.order_placed,
      { channels: null, data: {} },
      { ...recipient, phone: null },
      prefs({ channels: { email: false } }),
      [],
    );
    expect(d.channels).toEqual(["in_app"]);
    expect(d.suppressed).toEqual(
      expect.arrayContaining([
        { channel: "email", reason: "opted_out" },
        { channel: "sms", reason: "unreachable" },
        { channel: "push", reason: "unreachable" },
      ]),
    );
  });

  it("lets the most specific preference win", () => {
    const p = prefs({ channels: { sms: false }, types: { order_placed: { channels: { sms: true } } } });
    expect(
      decideChannels(catalog.order_placed, { channels: ["sms"], data: {} }, recipient, p, []).channels,
    ).toEqual(["sms"]);
    const off = prefs({ categories: { transactional: { enabled: false } } });
    expect(
      decideChannels(catalog.order_placed, { channels: null, data: {} }, recipient, off, [device]).channels,
    ).toEqual([]);
  });

  it("sends nothing to an erased user, required categories included, saying why", () => {
    const erased = { ...recipient, email: null, phone: null, erasedAt: new Date() };
    for (const def of [catalog.order_placed, catalog.password_reset]) {
      const d = decideChannels(def, { channels: null, data: {} }, erased, prefs({}), []);
      expect(d.channels).toEqual([]);
      expect(d.suppressed.map((s) => s.reason)).toEqual(d.suppressed.map(() => "erased"));
      expect(d.suppressed.length).toBeGreaterThan(0);
    }
  });

  it("never lets a user opt out of a required category", () => {
    const p = prefs({ unsubscribedAll: true, channels: { email: false, sms: false } });
    expect(
      decideChannels(catalog.password_reset, { channels: null, data: {} }, recipient, p, []).channels.sort(),
    ).toEqual(["email", "sms"]);
  });

  it("honours the event's channel restriction", () => {
    expect(
      decideChannels(catalog.order_placed, { channels: ["email"], data: {} }, recipient, prefs({}), [device])
        .channels,
    ).toEqual(["email"]);
  });
});

const text = (d: { total: number }) => ({ title: "Order", body: String(d.total) });
const templates = {
  email: { subject: () => "Order", component: () => createElement("p", null, "Order") },
  sms: (d: { total: number }) => `Order of ${d.total}`,
  push: text,
  in_app: text,
};
const schema = z.object({ total: z.number(), silent: z.boolean().optional() });
type Order = ConditionInput<z.infer<typeof schema>>;

/** A type whose SMS needs 100 or more, push the pro plan, and nothing goes for a silent event. */
function conditioned(overrides: Partial<NotificationType> = {}): NotificationType {
  return defineNotification({
    type: "order_alert",
    description: "An order, told on some channels only",
    category: "transactional",
    priority: "normal",
    schema,
    example: { total: 5 },
    templates,
    conditions: {
      all: { when: ({ data }: Order) => data.silent !== true, description: "unless the event is silent" },
      sms: { when: ({ data }: Order) => data.total >= 100, description: "orders of 100 or more" },
      push: { when: ({ user }) => user.properties.plan === "pro", description: "users on the pro plan" },
    },
    ...overrides,
  } as NotificationType) as NotificationType;
}

const pro = { ...recipient, properties: { plan: "pro" } } as RecipientRow;
const free = { ...recipient, properties: { plan: "free" } } as RecipientRow;
const reasons = (d: { suppressed: { channel: string; reason: string }[] }) =>
  Object.fromEntries(d.suppressed.map((s) => [s.channel, s.reason]));

describe("decideChannels with the type's conditions", () => {
  it("sends a channel whose condition holds and leaves one whose condition is false out as `condition`", () => {
    const all = decideChannels(conditioned(), { channels: null, data: { total: 150 } }, pro, prefs({}), [
      device,
    ]);
    expect(all.channels.sort()).toEqual(["email", "in_app", "push", "sms"]);
    expect(all.suppressed).toEqual([]);
    const some = decideChannels(conditioned(), { channels: null, data: { total: 50 } }, free, prefs({}), [
      device,
    ]);
    expect(some.channels.sort()).toEqual(["email", "in_app"]);
    expect(reasons(some)).toEqual({ sms: "condition", push: "condition" });
    expect(some.conditionErrors).toEqual([]);
  });

  it("applies `all` to every requested channel, and lists none that was not requested", () => {
    const d = decideChannels(
      conditioned(),
      { channels: ["email", "sms"], data: { total: 500, silent: true } },
      pro,
      prefs({}),
      [device],
    );
    expect(d.channels).toEqual([]);
    expect(reasons(d)).toEqual({ email: "condition", sms: "condition" });
  });

  it("says `condition` before an opt-out or a missing address, and `erased` before asking the predicates", () => {
    const optedOut = prefs({ channels: { sms: false, push: false } });
    const d = decideChannels(conditioned(), { channels: null, data: { total: 50 } }, pro, optedOut, []);
    // SMS: false condition and opted out → condition; push: opted out (condition holds, no device either).
    expect(reasons(d)).toEqual({ sms: "condition", push: "opted_out" });
    const noPhone = decideChannels(
      conditioned(),
      { channels: null, data: { total: 50 } },
      { ...free, phone: null },
      prefs({}),
      [],
    );
    expect(reasons(noPhone)).toEqual({ sms: "condition", push: "condition" });
    const ok = decideChannels(conditioned(), { channels: null, data: { total: 150 } }, pro, optedOut, []);
    expect(reasons(ok)).toEqual({ sms: "opted_out", push: "opted_out" });

    let asked = 0;
    const counting = conditioned({
      conditions: { all: { when: () => ++asked > 0, description: "counts its calls" } },
    });
    const erased = { ...pro, email: null, phone: null, erasedAt: new Date() };
    const e = decideChannels(counting, { channels: null, data: { total: 150 } }, erased, prefs({}), []);
    expect(Object.values(reasons(e))).toEqual(["erased", "erased", "erased", "erased"]);
    expect(asked).toBe(0);
  });

  it("applies conditions to a required category's type too: they are the app's rule, not the user's", () => {
    const security = conditioned({ category: "security", priority: "critical" });
    const p = prefs({ unsubscribedAll: true });
    const d = decideChannels(security, { channels: null, data: { total: 50 } }, pro, p, [device]);
    expect(d.channels.sort()).toEqual(["email", "in_app", "push"]);
    expect(reasons(d)).toEqual({ sms: "condition" });
  });

  it("leaves a channel whose condition throws out as `condition_error`, the others still go", async () => {
    const throwing = conditioned({
      conditions: {
        sms: {
          when: ({ data }) => (data as { items: string[] }).items.length > 0,
          description: "orders with items",
        },
      },
    });
    const d = decideChannels(throwing, { channels: null, data: { total: 150 } }, pro, prefs({}), [device]);
    expect(d.channels.sort()).toEqual(["email", "in_app", "push"]);
    expect(reasons(d)).toEqual({ sms: "condition_error" });
    expect(d.conditionErrors).toEqual([
      { channel: "sms", key: "sms", message: expect.stringContaining("Cannot read properties of undefined") },
    ]);

    const allThrows = conditioned({
      conditions: {
        all: {
          when: () => {
            throw "a string, maybe the data";
          },
          description: "throws",
        },
      },
    });
    const a = decideChannels(
      allThrows,
      { channels: ["email", "sms"], data: { total: 1 } },
      pro,
      prefs({}),
      [],
    );
    expect(reasons(a)).toEqual({ email: "condition_error", sms: "condition_error" });
    expect(a.conditionErrors.map((e) => [e.channel, e.key, e.message])).toEqual([
      ["email", "all", "threw a value that is not an Error"],
      ["sms", "all", "threw a value that is not an Error"],
    ]);

    // A promise is no answer (it would read as true); one that rejects must not end the process.
    const asynchronous = conditioned({
      conditions: {
        email: { when: (async () => false) as never, description: "async" },
        sms: {
          when: (async () => {
            throw new Error("rejected later");
          }) as never,
          description: "async, rejects",
        },
      },
    });
    const p = decideChannels(
      asynchronous,
      { channels: ["email", "sms"], data: { total: 1 } },
      pro,
      prefs({}),
      [],
    );
    expect(reasons(p)).toEqual({ email: "condition_error", sms: "condition_error" });
    expect(p.conditionErrors[0]!.message).toBe(
      "when returned a promise: conditions must decide synchronously",
    );
    await new Promise((resolve) => setImmediate(resolve));
  });

  it("gives a predicate frozen copies: it cannot change the data or properties the templates then render", () => {
    const seen: ConditionInput<{ total: number }>[] = [];
    const mutating = conditioned({
      conditions: {
        sms: {
          when: (input: ConditionInput<{ total: number }>) => {
            seen.push(input);
            (input.data as { total: number }).total = 1_000;
            return true;
          },
          description: "tries to raise the total",
        },
        push: {
          when: ({ user }: ConditionInput<unknown>) => {
            (user.properties as Record<string, unknown>).plan = "pro";
            return true;
          },
          description: "tries to upgrade the user",
        },
      } as NotificationType["conditions"],
    });
    const data = { total: 5 };
    const d = decideChannels(mutating, { channels: null, data }, free, prefs({}), [device]);
    expect(reasons(d)).toEqual({ sms: "condition_error", push: "condition_error" });
    expect(d.conditionErrors.map((e) => e.message)).toEqual([
      expect.stringContaining("read only property 'total'"),
      expect.stringContaining("read only property 'plan'"),
    ]);
    expect(data).toEqual({ total: 5 });
    expect(free.properties).toEqual({ plan: "free" });
    // What the predicate is told of the user: no address, no number.
    expect(seen[0]!.user).toEqual({
      properties: { plan: "free" },
      locale: null,
      timezone: null,
      hasEmail: true,
      hasPhone: true,
      hasPush: true,
    });
  });
});
