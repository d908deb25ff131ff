import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CatalogError, createCatalog } from "./create-catalog.ts";
import { defineNotification, type NotificationType } from "./define-notification.ts";
import { escalationOf, escalationProblems } from "./escalation.ts";

const schema = z.object({ code: z.string() });
const text = (d: { code: string }) => ({ title: d.code, body: d.code });

/** A high-priority type on push, in-app and e-mail, written past `defineNotification`'s check. */
function literal(overrides: Partial<NotificationType>): NotificationType {
  return {
    type: "payment_due",
    description: "An invoice is due",
    category: "transactional",
    priority: "high",
    schema,
    example: { code: "x" },
    templates: {
      push: text,
      in_app: text,
      email: { subject: (d: { code: string }) => d.code, component: () => null as never },
    },
    ...overrides,
  } as NotificationType;
}

const problems = (escalation: unknown, overrides: Partial<NotificationType> = {}) =>
  escalationProblems(literal({ ...overrides, escalation: escalation as never }));

describe("a type's escalation", () => {
  it("accepts held channels the type has, after 1 s to 7 days in the environment's duration format", () => {
    expect(problems(undefined)).toEqual([]);
    expect(problems({ after: "1h", channels: ["email"] })).toEqual([]);
    expect(problems({ after: "1s", channels: ["email", "push"] })).toEqual([]);
    expect(problems({ after: "7d", channels: ["email"] })).toEqual([]);
    expect(
      createCatalog([literal({ escalation: { after: "30m", channels: ["email"] } })]).list(),
    ).toHaveLength(1);
  });

  it("refuses it on a critical type: critical types are never delayed", () => {
    expect(problems({ after: "1h", channels: ["email"] }, { priority: "critical" })).toEqual([
      "it is critical, and critical types are never delayed (SPEC §3); remove escalation",
    ]);
  });

  it("refuses holding every channel back, a channel the type lacks, and one listed twice", () => {
    expect(problems({ after: "1h", channels: ["email", "push", "in_app"] })).toEqual([
      "escalation.channels lists every channel of the type: none would go first",
    ]);
    expect(problems({ after: "1h", channels: ["sms", "fax"] })).toEqual([
      "escalation.channels: the type is not sent on sms (its channels: push, in_app, email)",
      "escalation.channels: the type is not sent on fax (its channels: push, in_app, email)",
    ]);
    expect(problems({ after: "1h", channels: ["email", "email"] })).toEqual([
      "escalation.channels lists a channel twice",
    ]);
    expect(problems({ after: "1h", channels: [] })).toEqual([
      "escalation.channels must list the channels held back, at least one",
    ]);
  });

  it("refuses a duration it cannot read or outside 1 s … 7 days, and rules it does not know", () => {
    expect(problems({ after: "an hour", channels: ["email"] })).toEqual([
      'escalation.after: not a duration: "an hour" (use e.g. 500ms, 30s, 5m, 1h)',
    ]);
    expect(problems({ after: 3600, channels: ["email"] })).toEqual([
      'escalation.after must be a duration such as "30m" or "1h"',
    ]);
    expect(problems({ after: "999ms", channels: ["email"] })).toEqual([
      'escalation.after must be from 1s to 7d (it is "999ms")',
    ]);
    expect(problems({ after: "8d", channels: ["email"] })).toEqual([
      'escalation.after must be from 1s to 7d (it is "8d")',
    ]);
    expect(problems({ after: "1h", channels: ["email"], unless: "clicked" })).toEqual([
      "escalation.unless is not an escalation rule (after, channels)",
    ]);
    expect(problems("1h")).toEqual(["escalation must be an object: { after, channels }"]);
  });

  it("stops the catalog at load, named by its type", () => {
    let err: unknown;
    try {
      defineNotification({
        type: "payment_due",
        description: "An invoice is due",
        category: "transactional",
        priority: "critical",
        schema,
        example: { code: "x" },
        templates: { push: text, in_app: text },
        escalation: { after: "1h", channels: ["push", "in_app"] },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CatalogError);
    expect((err as CatalogError).problems).toEqual([
      "payment_due: it is critical, and critical types are never delayed (SPEC §3); remove escalation",
      "payment_due: escalation.channels lists every channel of the type: none would go first",
    ]);
  });

  it("is applied as milliseconds and a set of channels, except to a critical event", () => {
    const def = literal({ escalation: { after: "1.5s", channels: ["email"] } });
    expect(escalationOf(def, "high")).toEqual({ afterMs: 1500, channels: new Set(["email"]) });
    expect(escalationOf(def)).toEqual({ afterMs: 1500, channels: new Set(["email"]) });
    expect(escalationOf(def, "critical")).toBeNull();
    expect(escalationOf(literal({}), "high")).toBeNull();
  });
});
