import { toPlainText } from "react-email";
import { describe, expect, it } from "vitest";
import { catalog } from "../catalog/index.ts";
import { renderDigest } from "../digest/render-digest.ts";
import { renderContext, renderNotification } from "../render.ts";
import { fastPlainText } from "./fast-plain-text.ts";
import { htmlToPlainText } from "./plain-text.ts";
import { fallbackCorpus, renderedCorpus, snippetCorpus } from "./plain-text-corpus.tsx";

const ctx = renderContext({ userId: "u_1", unsubscribeUrl: "https://h.example/u/tok" });

async function catalogHtml(): Promise<{ type: string; html: string; text: string }[]> {
  const out = [];
  for (const def of Object.values(catalog)) {
    if (!def.templates.email) continue;
    const rendered = await renderNotification(def, "email", def.example, ctx);
    if (rendered.channel !== "email") throw new Error("expected an e-mail");
    out.push({ type: def.type, html: rendered.html, text: rendered.text });
  }
  return out;
}

describe("htmlToPlainText", () => {
  it("gives the same text as react-email's toPlainText for every catalog e-mail, on the fast path", async () => {
    const emails = await catalogHtml();
    expect(emails.length).toBeGreaterThanOrEqual(3);
    for (const { type, html, text } of emails) {
      expect(htmlToPlainText(html), type).toBe(toPlainText(html));
      expect(text, type).toBe(toPlainText(html));
      expect(fastPlainText(html), type).toBeDefined();
    }
  });

  it("gives the same text for a digest e-mail (react-email's render()), on the fast path", async () => {
    const entries = [
      { title: "First & foremost", body: "Body one", url: "https://shop.example.com/1", at: new Date(0) },
      { title: "Second", url: "https://shop.example.com/2" },
      { title: "Third", body: "Body three" },
    ];
    const out = await renderDigest("email", entries, "weekly", ctx);
    if (out.channel !== "email") throw new Error("expected an e-mail");
    expect(out.text).toBe(toPlainText(out.html));
    expect(fastPlainText(out.html)).toBeDefined();
  });

  it("drops images and keeps link targets, as toPlainText does", () => {
    const html = '<p>Hi <img src="x.png" alt="logo"> <a href="https://example.com/o/1">your order</a></p>';
    expect(htmlToPlainText(html)).toBe(toPlainText(html));
    expect(htmlToPlainText(html)).toContain("https://example.com/o/1");
  });

  it("has a corpus of at least 30 documents", () => {
    expect(renderedCorpus().length + snippetCorpus.length + fallbackCorpus.length).toBeGreaterThanOrEqual(30);
  });

  describe.each(renderedCorpus())("react-email document: $name", ({ html }) => {
    it("matches toPlainText on the fast path", () => {
      expect(fastPlainText(html)).toBeDefined();
      expect(htmlToPlainText(html)).toBe(toPlainText(html));
    });
  });

  describe.each(snippetCorpus)("snippet: $name", ({ html }) => {
    it("matches toPlainText on the fast path", () => {
      expect(fastPlainText(html)).toBeDefined();
      expect(htmlToPlainText(html)).toBe(toPlainText(html));
    });
  });

  describe.each(fallbackCorpus)("unsupported: $name", ({ html }) => {
    it("falls back to html-to-text and matches toPlainText", () => {
      expect(fastPlainText(html)).toBeUndefined();
      expect(htmlToPlainText(html)).toBe(toPlainText(html));
    });
  });
});
