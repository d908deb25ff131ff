import { toPlainText } from "react-email";
import { describe, expect, it } from "vitest";
import { catalog } from "../catalog/index.ts";
import { renderContext, renderNotification } from "../render.ts";
import { htmlToPlainText } from "./plain-text.ts";

describe("htmlToPlainText", () => {
  it("gives the same text as react-email's toPlainText for every catalog e-mail", async () => {
    const ctx = renderContext({ userId: "u_1", unsubscribeUrl: "https://h.example/u/tok" });
    let checked = 0;
    for (const def of Object.values(catalog)) {
      if (!def.templates.email) continue;
      const rendered = await renderNotification(def, "email", def.example, ctx);
      if (rendered.channel !== "email") throw new Error("expected an e-mail");
      expect(htmlToPlainText(rendered.html)).toBe(toPlainText(rendered.html));
      expect(rendered.text).toBe(toPlainText(rendered.html));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it("drops images and keeps link targets, as toPlainText does", () => {
    const html = '<p>Hi <img src="x.png" alt="logo"> <a href="https://example.com/o/1">your order</a></p>';
    expect(htmlToPlainText(html)).toBe(toPlainText(html));
    expect(htmlToPlainText(html)).toContain("https://example.com/o/1");
  });
});
