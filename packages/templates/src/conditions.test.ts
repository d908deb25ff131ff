import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { conditionProblems, conditionsOf } from "./conditions.ts";
import { CatalogError, createCatalog } from "./create-catalog.ts";
import { defineNotification, type NotificationType } from "./define-notification.ts";

const schema = z.object({ total: z.number(), silent: z.boolean().optional() });
const text = (d: { total: number }) => ({ title: "Order", body: String(d.total) });

/** A type on push, in-app and SMS, written past `defineNotification`'s check. */
function literal(overrides: Partial<NotificationType>): NotificationType {
  return {
    type: "order_alert",
    description: "An order",
    category: "transactional",
    priority: "normal",
    schema,
    example: { total: 5 },
    templates: { push: text, in_app: text, sms: (d: { total: number }) => `Order of ${d.total}` },
    ...overrides,
  } as NotificationType;
}

const problems = (conditions: unknown) => conditionProblems(literal({ conditions: conditions as never }));
const yes = () => true;

describe("a type's conditions", () => {
  it("accepts a condition per channel of the type and `all`, each a function with a description", () => {
    expect(problems(undefined)).toEqual([]);
    expect(
      problems({
        all: { when: yes, description: "unless silent" },
        sms: { when: yes, description: "orders of 100 or more" },
      }),
    ).toEqual([]);
    expect(
      createCatalog([literal({ conditions: { push: { when: yes, description: "pro plan" } } })]).list(),
    ).toHaveLength(1);
  });

  it("refuses a condition on a channel the type lacks", () => {
    expect(
      problems({ email: { when: yes, description: "x" }, fax: { when: yes, description: "x" } }),
    ).toEqual([
      "conditions.email: the type is not sent on email (its channels: push, in_app, sms)",
      "conditions.fax: the type is not sent on fax (its channels: push, in_app, sms)",
    ]);
  });

  it("refuses an empty or missing description: the dashboard shows it, `when` is code", () => {
    const why = (k: string) =>
      `conditions.${k}.description must say what the condition is (the dashboard shows it; \`when\` is code)`;
    expect(problems({ sms: { when: yes, description: "" } })).toEqual([why("sms")]);
    expect(problems({ sms: { when: yes, description: "   " } })).toEqual([why("sms")]);
    expect(problems({ all: { when: yes } })).toEqual([why("all")]);
    expect(problems({ sms: { when: yes, description: "x".repeat(201) } })).toEqual([
      "conditions.sms.description is longer than 200 characters",
    ]);
  });

  it("refuses a `when` that is not a function, fields it does not know, and entries that are not objects", () => {
    expect(problems({ sms: { when: "total >= 100", description: "orders of 100 or more" } })).toEqual([
      "conditions.sms.when must be a function",
    ]);
    expect(problems({ sms: { description: "orders of 100 or more" } })).toEqual([
      "conditions.sms.when must be a function",
    ]);
    expect(problems({ sms: { when: yes, description: "x", unless: yes } })).toEqual([
      "conditions.sms.unless is not a condition field (when, description)",
    ]);
    expect(problems({ sms: yes })).toEqual(["conditions.sms must be an object: { when, description }"]);
    expect(problems([{ when: yes }])).toEqual([
      "conditions must be an object: { <channel> | all: { when, description } }",
    ]);
  });

  it("stops the catalog at load, named by its type, every problem at once", () => {
    let err: unknown;
    try {
      defineNotification({
        type: "order_alert",
        description: "An order",
        category: "transactional",
        priority: "normal",
        schema,
        example: { total: 5 },
        templates: { push: text, in_app: text },
        conditions: {
          email: { when: yes, description: "mail" },
          push: { when: yes, description: "" },
        },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CatalogError);
    expect((err as CatalogError).problems).toEqual([
      "order_alert: conditions.email: the type is not sent on email (its channels: push, in_app)",
      "order_alert: conditions.push.description must say what the condition is (the dashboard shows it; `when` is code)",
    ]);
  });

  it("types `when`'s data from the schema and its user without address or number", () => {
    defineNotification({
      type: "order_alert",
      description: "An order",
      category: "transactional",
      priority: "normal",
      schema,
      example: { total: 5 },
      templates: { push: text, in_app: text },
      conditions: {
        push: {
          when: ({ data, user }) => {
            expectTypeOf(data).toEqualTypeOf<{ total: number; silent?: boolean | undefined }>();
            expectTypeOf(user.hasEmail).toEqualTypeOf<boolean>();
            // @ts-expect-error the schema has no `amount`
            void data.amount;
            // @ts-expect-error a condition is not told the user's e-mail address
            void user.email;
            return data.total >= 100;
          },
          description: "orders of 100 or more",
        },
      },
    });
  });

  it("lists them for the dashboard: `all` first, then in the type's channel order", () => {
    const def = literal({
      conditions: {
        sms: { when: yes, description: "orders of 100 or more" },
        all: { when: yes, description: "unless silent" },
        push: { when: yes, description: "pro plan" },
      },
    });
    expect(conditionsOf(def)).toEqual([
      { channel: "all", description: "unless silent" },
      { channel: "push", description: "pro plan" },
      { channel: "sms", description: "orders of 100 or more" },
    ]);
    expect(conditionsOf(literal({}))).toEqual([]);
  });
});
