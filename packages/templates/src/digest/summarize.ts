import type { RenderedContent } from "@herald/domain";
import type { NotificationType, RenderContext } from "../define-notification.ts";

/** One line of a digest. */
export interface DigestEntry {
  /** The item's notification id (a stable list key). */
  id?: string;
  title: string;
  body?: string;
  url?: string;
  /** When the item was created; shown in the recipient's time zone. */
  at?: Date;
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * A short title/body/link for one digest item. Uses the type's in-app or push
 * template (short by design) on the item's data; without them, or when the
 * type left the catalog, falls back to the content stored on the item.
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
    title: cut(e.title, 200),
    ...(e.body ? { body: cut(e.body, 400) } : {}),
    ...(at ? { at } : {}),
  });
  if (def && data !== null && data !== undefined) {
    const short = def.templates.in_app ?? def.templates.push;
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
