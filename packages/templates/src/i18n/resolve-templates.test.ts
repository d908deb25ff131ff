import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineNotification } from "../define-notification.ts";
import { renderContext, renderNotification } from "../render.ts";
import { languagesOf, resolveTemplates } from "./resolve-templates.ts";

/** A type whose every template says which language it is, so a resolution shows in the output. */
const greeting = defineNotification({
  type: "greeting",
  description: "Says hello",
  category: "transactional",
  priority: "normal",
  schema: z.object({ name: z.string() }),
  example: { name: "Ada" },
  templates: {
    sms: (d) => `Hello ${d.name}`,
    push: (d) => ({ title: "Hello", body: d.name }),
    in_app: (d) => ({ title: "Hello", body: d.name }),
  },
  translations: {
    de: { sms: (d) => `Hallo ${d.name}`, push: (d) => ({ title: "Hallo", body: d.name }) },
    "de-AT": { sms: (d) => `Servus ${d.name}` },
    "PT-br": { sms: (d) => `Olá ${d.name}` },
  },
});

const sms = async (locale: string) => {
  const out = await renderNotification(
    greeting,
    "sms",
    { name: "Ada" },
    renderContext({ userId: "u", locale }),
  );
  return out.channel === "sms" ? [out.text, out.language] : [];
};

describe("choosing a type's templates for a locale", () => {
  it("takes the exact tag, then its language, then the default", async () => {
    expect(await sms("de-AT")).toEqual(["Servus Ada", "de-AT"]);
    expect(await sms("de-DE")).toEqual(["Hallo Ada", "de"]);
    expect(await sms("de")).toEqual(["Hallo Ada", "de"]);
    expect(await sms("fr-FR")).toEqual(["Hello Ada", undefined]);
    expect(await sms("en-US")).toEqual(["Hello Ada", undefined]);
  });

  it("matches tags whatever their case, recording the tag as the type spells it", async () => {
    expect(await sms("DE-at")).toEqual(["Servus Ada", "de-AT"]);
    expect(await sms("pt-BR")).toEqual(["Olá Ada", "PT-br"]);
    // pt-PT has no translation of its own, and `pt` none at all: the default.
    expect(await sms("pt-PT")).toEqual(["Hello Ada", undefined]);
  });

  it("takes a channel the chosen translation lacks from the default, not from a wider translation", async () => {
    const at = resolveTemplates(greeting, "de-AT");
    expect(at.language).toEqual({ sms: "de-AT", push: "en", in_app: "en" });
    expect(at.translated).toEqual({ sms: true, push: false, in_app: false });
    const push = await renderNotification(
      greeting,
      "push",
      { name: "Ada" },
      renderContext({ userId: "u", locale: "de-AT" }),
    );
    expect(push).toEqual({ channel: "push", title: "Hello", body: "Ada" });
    const de = resolveTemplates(greeting, "de-CH");
    expect(de.language).toEqual({ sms: "de", push: "de", in_app: "en" });
    expect(de.templates.in_app).toBe(greeting.templates.in_app);
  });

  it("resolves each (type, locale) once", () => {
    expect(resolveTemplates(greeting, "de-CH")).toBe(resolveTemplates(greeting, "de-CH"));
    expect(resolveTemplates(greeting, "de-ch")).not.toBe(resolveTemplates(greeting, "de-CH"));
  });

  it("lists a type's languages, the default's first", () => {
    expect(languagesOf(greeting)).toEqual(["en", "de", "de-AT", "PT-br"]);
  });
});
