import { toPlainText } from "react-email";
import { describe, expect, it } from "vitest";
import { catalog } from "../catalog/index.ts";
import { renderDigest } from "../digest/render-digest.ts";
import { renderContext, renderNotification } from "../render.ts";
import { fastPlainText, fastPlainTextWithPass } from "./fast-plain-text.ts";
import { htmlToPlainText } from "./plain-text.ts";
import { fallbackCorpus, renderedCorpus, snippetCorpus } from "./plain-text-corpus.tsx";
import { randomMarkupSoup, randomReactMarkup } from "./random-react-markup.ts";

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
  it("gives the same text as react-email's toPlainText for every catalog e-mail, on the fastest path", async () => {
    const emails = await catalogHtml();
    expect(emails.length).toBeGreaterThanOrEqual(3);
    for (const { type, html, text } of emails) {
      expect(htmlToPlainText(html), type).toBe(toPlainText(html));
      expect(text, type).toBe(toPlainText(html));
      expect(fastPlainTextWithPass(html)?.pass, type).toBe("react-markup");
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
    expect(fastPlainTextWithPass(out.html)?.pass).toBe("react-markup");
  });

  it("parses with htmlparser2 what the React markup tokenizer refuses, and decodes what it cannot", () => {
    const passes = Object.fromEntries(
      snippetCorpus.map(({ name, html }) => [name, fastPlainTextWithPass(html)?.pass]),
    );
    expect(passes["implied closes"]).toBe("htmlparser2");
    expect(passes["stray closing tags"]).toBe("htmlparser2");
    expect(passes["entities htmlparser2 has to decode"]).toBe("htmlparser2-decoding");
    expect(passes["upper case tags and attributes"]).toBe("react-markup");
  });

  it("drops images and keeps link targets, as toPlainText does", () => {
    const html = '<p>Hi <img src="x.png" alt="logo"> <a href="https://example.com/o/1">your order</a></p>';
    expect(htmlToPlainText(html)).toBe(toPlainText(html));
    expect(htmlToPlainText(html)).toContain("https://example.com/o/1");
  });

  it("matches toPlainText whenever it gives text, for random React documents and markup fragments", () => {
    let converted = 0;
    for (let seed = 1; seed <= 500; seed++) {
      for (const html of [randomReactMarkup(seed), randomMarkupSoup(seed)]) {
        const text = fastPlainText(html);
        if (text === undefined) continue;
        converted++;
        expect(text, html).toBe(toPlainText(html));
      }
    }
    expect(converted).toBeGreaterThan(300);
  });

  it("has a corpus of at least 30 documents", () => {
    expect(renderedCorpus().length + snippetCorpus.length + fallbackCorpus.length).toBeGreaterThanOrEqual(30);
  });

  describe.each(renderedCorpus())("react-email document: $name", ({ html }) => {
    it("matches toPlainText on the fastest path", () => {
      expect(fastPlainTextWithPass(html)?.pass).toBe("react-markup");
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
