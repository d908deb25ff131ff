import type { RenderedContent } from "@herald/domain";
import type { NotificationType, RenderContext } from "../define-notification.ts";
import { resolveTemplates } from "../i18n/resolve-templates.ts";
import type { DigestSummary } from "./digest-rules.ts";

/** One line of a digest. */
export interface DigestEntry {
  /** The item's notification id (a stable list key). */
  id?: string;
  title: string;
  body?: string;
  url?: string;
  /** When the item was created; shown in the recipient's time zone. */
  at?: Date;
  /** How many items the entry stands for (a collapsed one, "3 new orders"). Default 1. */
  count?: number;
}

/** Digest titles and bodies are cut to these lengths, however they were made. */
export const DIGEST_TITLE_MAX = 200;
export const DIGEST_BODY_MAX = 400;

export const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** How many items the entries stand for: a collapsed entry counts every item in it. */
export function digestItemCount(entries: readonly DigestEntry[]): number {
  return entries.reduce((n, e) => n + (e.count ?? 1), 0);
}

/**
 * A type's own digest summary of an item, or null when it has none or it
 * failed (threw, or gave no title): the caller falls back. Only the title,
 * body and link are taken; the item's id and time are the digest's to set.
 */
function ownSummary(def: NotificationType, data: unknown, ctx: RenderContext): DigestSummary | null {
  const summary = def.digest?.summary;
  if (!summary) return null;
  let s: DigestSummary;
  try {
    s = summary(data, ctx);
  } catch {
    return null;
  }
  if (typeof s?.title !== "string" || s.title.trim() === "") return null;
  return {
    title: s.title,
    ...(typeof s.body === "string" && s.body !== "" ? { body: s.body } : {}),
    ...(typeof s.url === "string" && s.url !== "" ? { url: s.url } : {}),
  };
}

/**
 * A short title/body/link for one digest item: the type's digest summary
 * (`digest.summary`) of the item's data, else its in-app or push template
 * (short by design) in the translation the digest's locale picks; without
 * them, when they throw, or when the type left the catalog, the content
 * stored on the item.
 */
export function summarizeNotification(
  def: NotificationType | undefined,
  data: unknown,
  content: RenderedContent,
  ctx: RenderContext,
  at?: Date,
): DigestEntry {
  const withAt = (e: DigestEntry): DigestEntry => ({
    ...e,
    title: cut(e.title, DIGEST_TITLE_MAX),
    ...(e.body ? { body: cut(e.body, DIGEST_BODY_MAX) } : {}),
    ...(at ? { at } : {}),
  });
  if (def && data !== null && data !== undefined) {
    const own = ownSummary(def, data, ctx);
    if (own) return withAt(own);
    const { templates } = resolveTemplates(def, ctx.locale);
    const short = templates.in_app ?? templates.push;
    if (short) {
      try {
        return withAt(short(data, ctx));
      } catch {
        // fall through to the stored content
      }
    }
  }
  switch (content.channel) {
    case "email":
      return withAt({ title: content.subject, ...(content.preview ? { body: content.preview } : {}) });
    case "sms":
      return withAt({ title: content.text });
    case "push":
    case "in_app":
      return withAt({
        title: content.title,
        body: content.body,
        ...(content.url ? { url: content.url } : {}),
      });
  }
}
