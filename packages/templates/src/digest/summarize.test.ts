import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineNotification, type NotificationType } from "../define-notification.ts";
import { renderContext } from "../render.ts";
import type { DigestSummary } from "./digest-rules.ts";
import { summarizeNotification } from "./summarize.ts";

const ctx = renderContext({ userId: "u1", locale: "de-DE" });
const schema = z.object({ who: z.string(), text: z.string() });
type Comment = z.infer<typeof schema>;

function commentType(summary?: (d: Comment, c: typeof ctx) => DigestSummary): NotificationType {
  return defineNotification({
    type: "comment_added",
    description: "Someone commented",
    category: "social",
    priority: "normal",
    schema,
    example: { who: "Ada", text: "Nice" },
    templates: {
      in_app: (d) => ({ title: `In-app: ${d.who}`, body: d.text }),
    },
    ...(summary ? { digest: { summary } } : {}),
  }) as NotificationType;
}

const data = { who: "Ada", text: "Looks good" };
const stored = { channel: "push" as const, title: "Stored", body: "stored body" };
const at = new Date("2026-03-08T01:00:00Z");

describe("a type's digest summary", () => {
  it("is used before the in-app template, with the recipient's render context", () => {
    const def = commentType((d, c) => ({
      title: `${d.who} commented (${c.locale})`,
      body: d.text,
      url: "https://app.example/c/1",
    }));
    expect(summarizeNotification(def, data, stored, ctx, at)).toEqual({
      title: "Ada commented (de-DE)",
      body: "Looks good",
      url: "https://app.example/c/1",
      at,
    });
  });

  it("keeps only the title, body and link it gives; the item's time is the digest's", () => {
    const def = commentType(
      () => ({ title: "T", id: "forged", at: new Date(0), count: 9, extra: 1 }) as unknown as DigestSummary,
    );
    expect(summarizeNotification(def, data, stored, ctx, at)).toEqual({ title: "T", at });
  });

  it("is cut to the fallbacks' lengths", () => {
    const def = commentType(() => ({ title: "t".repeat(500), body: "b".repeat(900) }));
    const e = summarizeNotification(def, data, stored, ctx);
    expect([e.title.length, e.body?.length]).toEqual([200, 400]);
    expect(e.title.endsWith("…")).toBe(true);
  });

  it("falls back to the in-app template when it throws or gives no title", () => {
    for (const bad of [
      () => {
        throw new Error("boom");
      },
      () => ({ title: "  " }),
      () => undefined as unknown as DigestSummary,
    ]) {
      expect(summarizeNotification(commentType(bad), data, stored, ctx)).toEqual({
        title: "In-app: Ada",
        body: "Looks good",
      });
    }
  });

  it("is not asked without data (the event is gone): the stored content is used", () => {
    let asked = false;
    const def = commentType(() => {
      asked = true;
      return { title: "x" };
    });
    expect(summarizeNotification(def, null, stored, ctx)).toEqual({ title: "Stored", body: "stored body" });
    expect(asked).toBe(false);
  });
});
