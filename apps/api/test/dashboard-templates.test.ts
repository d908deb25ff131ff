import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

describe("GET /v1/dashboard/templates", () => {
  it("says how each type takes part in digests: a critical type never does, whatever its rules", async () => {
    const res = await api.call("GET", "/v1/dashboard/templates");
    expect(res.status).toBe(200);
    const digest = Object.fromEntries(
      (res.body.data as { type: string; digest: unknown }[]).map((t) => [t.type, t.digest]),
    );
    const plain = { never: false, summary: false, collapse: null };
    expect(digest).toEqual({
      order_placed: plain,
      password_reset: { ...plain, never: true },
      payment_failed: plain,
      weekly_promo: plain,
    });
  });

  it("says which channels a type holds back behind the others (its escalation)", async () => {
    const res = await api.call("GET", "/v1/dashboard/templates");
    const escalation = Object.fromEntries(
      (res.body.data as { type: string; escalation: unknown }[]).map((t) => [t.type, t.escalation]),
    );
    expect(escalation).toEqual({
      order_placed: null,
      password_reset: null,
      payment_failed: { after: "1h", channels: ["email"] },
      weekly_promo: null,
    });
  });

  it("lists each type's conditions (the starter types have none: SPEC fixes their channels)", async () => {
    const res = await api.call("GET", "/v1/dashboard/templates");
    const conditions = Object.fromEntries(
      (res.body.data as { type: string; conditions: unknown }[]).map((t) => [t.type, t.conditions]),
    );
    expect(conditions).toEqual({
      order_placed: [],
      password_reset: [],
      payment_failed: [],
      weekly_promo: [],
    });
  });

  it("previews each type in the translation a locale picks, and lists the catalog's languages", async () => {
    const subjects = async (query: string) => {
      const res = await api.call("GET", `/v1/dashboard/templates${query}`);
      expect(res.status).toBe(200);
      const order = (
        res.body.data as { type: string; rendered: Record<string, any>; languages: string[] }[]
      ).find((t) => t.type === "order_placed")!;
      return { body: res.body, order, email: order.rendered.email };
    };
    const en = await subjects("");
    expect(en.body).toMatchObject({ locale: "en-US", languages: ["en", "de", "fr"] });
    expect(en.order.languages).toEqual(["en", "de", "fr"]);
    expect(en.email.subject).toBe("Order A-1042 confirmed");
    expect(en.email.language).toBeUndefined();

    const de = await subjects("?locale=de-AT");
    expect(de.body.locale).toBe("de-AT");
    expect(de.email).toMatchObject({ subject: "Bestellung A-1042 bestätigt", language: "de" });
    expect(de.email.html).toContain("Sie erhalten diese E-Mail, weil Sie ein Konto bei");
    const fr = await subjects("?locale=fr-CA");
    expect(fr.email).toMatchObject({ subject: "Commande A-1042 confirmée", language: "fr" });
    expect(fr.email.html).toContain("Vous recevez cet e-mail car vous avez un compte");
    // A language without a translation previews the default, with the locale's numbers.
    const italian = await subjects("?locale=it");
    expect(italian.email.subject).toBe("Order A-1042 confirmed");
    expect(italian.order.rendered.push.body).toMatch(/59,90\s€/);
  });

  it("refuses a locale that is not a BCP 47 tag, saying so", async () => {
    const res = await api.call("GET", "/v1/dashboard/templates?locale=english%20please");
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.message).toContain("locale");
  });
});
