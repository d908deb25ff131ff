import { describe, expect, it } from "vitest";
import { z } from "zod";
import { catalog, listNotificationTypes, starterCatalog } from "./catalog/index.ts";
import { CatalogError, createCatalog } from "./create-catalog.ts";
import { defineNotification, type NotificationType } from "./define-notification.ts";

const schema = z.object({ code: z.string() });

/** A type written as a literal, past `defineNotification`'s check: what `createCatalog` must still refuse. */
function literal(overrides: Partial<NotificationType>): NotificationType {
  return {
    type: "login_alert",
    description: "A sign-in from a new device",
    category: "security",
    priority: "critical",
    schema,
    example: { code: "x" },
    templates: { sms: (d: { code: string }) => d.code },
    ...overrides,
  } as NotificationType;
}

function refusal(run: () => unknown): CatalogError {
  try {
    run();
  } catch (err) {
    if (err instanceof CatalogError) return err;
    throw err;
  }
  throw new Error("expected a CatalogError");
}

describe("the catalog at load", () => {
  it("loads the starter catalog as it is: no type has digest rules", () => {
    expect(starterCatalog.list().map((d) => d.type)).toEqual(Object.keys(catalog));
    expect(listNotificationTypes().filter((d) => d.digest !== undefined)).toEqual([]);
    expect(starterCatalog.get("order_placed")).toBe(catalog.order_placed);
    expect(starterCatalog.get("constructor")).toBeUndefined();
  });

  it("holds payment_failed's e-mail back an hour behind its push and inbox item", () => {
    expect(listNotificationTypes().flatMap((d) => (d.escalation ? [[d.type, d.escalation]] : []))).toEqual([
      ["payment_failed", { after: "1h", channels: ["email"] }],
    ]);
  });

  it("refuses a critical type with digest rules, when it is declared", () => {
    const err = refusal(() =>
      defineNotification({
        type: "login_alert",
        description: "A sign-in from a new device",
        category: "transactional",
        priority: "critical",
        schema,
        example: { code: "x" },
        templates: { sms: (d) => d.code },
        digest: { never: false, summary: (d) => ({ title: d.code }) },
      }),
    );
    expect(err.problems).toEqual([
      "login_alert: it is critical, and critical types are never digested (SPEC §3); " +
        "remove digest.never: false and digest.summary",
    ]);
    expect(err.message).toContain("notification catalog refused:\n  - login_alert: it is critical");
  });

  it("refuses every bad entry at once, also one written without defineNotification", () => {
    const err = refusal(() =>
      createCatalog([
        literal({ digest: { collapse: { title: (n: number) => `${n} alerts` } } }),
        literal({ type: "weekly_promo", category: "marketing", priority: "low", digest: { never: true } }),
        literal({ type: "weekly_promo", category: "marketing", priority: "low" }),
      ]),
    );
    expect(err.problems).toEqual([
      "login_alert: it is critical, and critical types are never digested (SPEC §3); remove digest.collapse",
      "weekly_promo: listed twice",
    ]);
  });

  it("accepts `never` on a critical type: it says what the type already is", () => {
    expect(createCatalog([literal({ digest: { never: true } })]).list()).toHaveLength(1);
  });

  it("refuses a translation for a channel the type lacks, a malformed tag, and one tag twice", () => {
    const err = refusal(() =>
      createCatalog([
        literal({
          translations: {
            de: { sms: () => "Code", email: { subject: () => "x" } as never },
            german: { sms: () => "Code" },
            DE: { push: "Hallo" as never },
          },
        }),
      ]),
    );
    expect(err.problems).toEqual([
      "login_alert: translations.de.email: the type is not sent on email (its channels: sms)",
      'login_alert: translations: "german" is not a BCP 47 language tag (like de or de-AT)',
      "login_alert: translations: de and DE are the same language tag",
      "login_alert: translations.DE.push: the type is not sent on push (its channels: sms)",
    ]);
  });

  it("refuses a translated template that is not one, when it is declared", () => {
    const err = refusal(() =>
      defineNotification({
        type: "receipt",
        description: "A receipt",
        category: "transactional",
        priority: "normal",
        schema,
        example: { code: "x" },
        templates: { sms: (d) => d.code, email: { subject: (d) => d.code, component: () => null as never } },
        translations: { "fr-CA": { sms: "Reçu" as never, email: { subject: () => "Reçu" } as never } },
      }),
    );
    expect(err.problems).toEqual([
      "receipt: translations.fr-CA.sms must be a function of (data, ctx)",
      "receipt: translations.fr-CA.email needs component as functions",
    ]);
  });

  it("loads the starter catalog's German and French translations", () => {
    expect(listNotificationTypes().map((d) => Object.keys(d.translations ?? {}))).toEqual(
      listNotificationTypes().map(() => ["de", "fr"]),
    );
  });
});
