import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { catalog } from "../catalog/index.ts";
import type { EmailTemplate, RenderContext } from "../define-notification.ts";
import { renderContext } from "../render.ts";
import { renderEmailHtml } from "./email-html.ts";
import { renderFramedEmail } from "./framed-email.ts";
import { Layout } from "./layout.tsx";
import { htmlToPlainText } from "./plain-text.ts";

const whole = <D>(component: EmailTemplate<D>["component"], props: { data: D; ctx: RenderContext }) =>
  renderEmailHtml(createElement(component, props));

const contexts: RenderContext[] = [];
for (const locale of ["en-US", "de-DE", "fr", "ja-JP"])
  for (const brandName of ["Herald", `A&B "Co" <x> 'y'`])
    for (const unsubscribeUrl of [undefined, "", "https://h.example/u/tok?a=1&b='2'&c=\"3\"<4>"])
      contexts.push(
        renderContext({
          userId: "u_1",
          locale,
          brandName,
          ...(unsubscribeUrl !== undefined ? { unsubscribeUrl } : {}),
        }),
      );

describe("renderFramedEmail", () => {
  it("gives what rendering the whole tree gives, for every catalog e-mail, locale, brand and unsubscribe link", () => {
    let compared = 0;
    // Each type's default e-mail, and its translations' with the language renderNotification sets.
    const emails = Object.values(catalog).flatMap((def) =>
      [[undefined, def.templates] as const, ...Object.entries(def.translations ?? {})].flatMap(
        ([language, t]) =>
          t.email
            ? [{ def, language, component: t.email.component as EmailTemplate<unknown>["component"] }]
            : [],
      ),
    );
    for (const { def, language, component } of emails) {
      for (const base of contexts) {
        const ctx = language === undefined ? base : { ...base, language };
        const props = { data: def.example, ctx };
        const framed = renderFramedEmail(component, props);
        const html = whole(component, props);
        const what = `${def.type} ${language} ${ctx.locale} ${ctx.brandName} ${ctx.unsubscribeUrl}`;
        expect(framed?.html, what).toBe(html);
        // The text read on from the frame head's state: there for every catalog e-mail, and the whole's.
        expect(framed?.text, what).toBeDefined();
        expect(framed?.text, what).toBe(htmlToPlainText(html));
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(8 * contexts.length);
  });

  it("handles previews of any length and content, and content of any kind, as the whole render does", () => {
    const previews = ["", "x", "a & b < c > d \"e\" 'f'", "é".repeat(199), "p".repeat(200), "q".repeat(450)];
    const bodies = [
      "plain text only",
      createElement("p", null, "a", "b", createElement("b", null, "c"), "d"),
      [createElement("img", { key: 1, src: "https://cdn.example/x.png", alt: "x" }), "after an image"],
      null,
      [
        createElement("h1", { key: 1 }, "A heading"),
        createElement("a", { key: 2, href: "https://h.example/x?a=1&b=2" }, "a link"),
        " and text",
      ],
      // Left to the whole document's conversion: a reference the fast path leaves to htmlparser2, a list.
      // biome-ignore lint/security/noDangerouslySetInnerHtml: a fixed test string; React never writes `&hellip;` itself
      createElement("div", { dangerouslySetInnerHTML: { __html: "wait&hellip; <b>bold</b>" } }),
      createElement("ul", null, createElement("li", null, "one"), createElement("li", null, "two")),
    ];
    const texts: (string | undefined)[] = [];
    for (const preview of previews)
      for (const body of bodies) {
        const component = ({ ctx }: { data: unknown; ctx: RenderContext }) =>
          createElement(Layout, { ctx, preview }, body);
        const props = { data: null, ctx: contexts[2]! };
        const framed = renderFramedEmail(component, props);
        const html = whole(component, props);
        expect(framed?.html).toBe(html);
        if (framed?.text !== undefined) expect(framed.text).toBe(htmlToPlainText(html));
        texts.push(framed?.text);
      }
    // Per preview: the five bodies it reproduces read on from the frame; the reference and the list do not.
    expect(texts.map((t) => t !== undefined)).toEqual(
      previews.flatMap(() => [true, true, true, true, true, false, false]),
    );
  });

  it("writes a text preview of every length as React does (a shape per length, the text escaped into it)", () => {
    const ctx = contexts[2]!;
    const sample = "🎉 Sale – 50 % off <b>&</b> \"now\" 'ok' \ue000 ";
    const previews = Array.from({ length: 205 }, (_, n) => sample.repeat(8).slice(0, n));
    // The same lengths again with other text: the second use of a length's shape.
    previews.push(...previews.map((p) => p.replace(/a/g, "&")));
    for (const preview of previews) {
      const component = ({ ctx: c }: { data: unknown; ctx: RenderContext }) =>
        createElement(Layout, { ctx: c, preview }, "body");
      const props = { data: null, ctx };
      expect(renderFramedEmail(component, props)?.html).toBe(whole(component, props));
    }
  });

  it("leaves to the whole render what it cannot vouch for", () => {
    const ctx = contexts[0]!;
    const notLayout = () => createElement("html", null, createElement("body", null, "hi"));
    const withHooks = () => {
      // A hook outside a render throws; the caller renders the whole tree, where it works.
      throw new Error("Invalid hook call");
    };
    const hoisting = ({ ctx: c }: { data: unknown; ctx: RenderContext }) =>
      createElement(Layout, { ctx: c, preview: "p" }, createElement("title", null, "moved to head"));
    for (const component of [notLayout, withHooks, hoisting])
      expect(renderFramedEmail(component, { data: null, ctx })).toBeUndefined();
  });
});
