import type { NotificationType, RenderContext } from "../define-notification.ts";
import { messagesFor } from "../i18n/messages.ts";
import { DEFAULT_COLLAPSE_AT_LEAST, DEFAULT_COLLAPSE_SHOW, type DigestCollapse } from "./digest-rules.ts";
import { cut, DIGEST_BODY_MAX, DIGEST_TITLE_MAX, type DigestEntry } from "./summarize.ts";

/** One item of a digest as summarized, with its type (undefined: no longer in the catalog). */
export interface SummarizedItem {
  def: NotificationType | undefined;
  entry: DigestEntry;
}

function collapsed(rule: DigestCollapse, entries: DigestEntry[], ctx: RenderContext): DigestEntry | null {
  let title: string;
  try {
    title = rule.title(entries.length, ctx);
  } catch {
    return null;
  }
  if (typeof title !== "string" || title.trim() === "") return null;
  let url: string | undefined;
  try {
    url = rule.url?.(ctx);
  } catch {
    // a link is a nicety: the entry goes without one
  }
  const show = rule.show ?? DEFAULT_COLLAPSE_SHOW;
  const named = entries.slice(0, show).map((e) => e.title);
  const rest = entries.length - named.length;
  // "and 2 more" is Herald's own: in the digest's language, as its heading is (`renderDigest`).
  const more = rest > 0 ? ` ${messagesFor(ctx.locale).messages.digestMore(rest)}` : "";
  const body = named.length > 0 ? `${named.join(" · ")}${more}` : "";
  const last = entries[entries.length - 1]!;
  return {
    ...(entries[0]!.id ? { id: entries[0]!.id } : {}),
    title: cut(title, DIGEST_TITLE_MAX),
    ...(body ? { body: cut(body, DIGEST_BODY_MAX) } : {}),
    ...(typeof url === "string" && url !== "" ? { url } : {}),
    ...(last.at ? { at: last.at } : {}),
    count: entries.length,
  };
}

/**
 * A digest's entries with each type's `digest.collapse` rule applied: when
 * a digest holds at least `atLeast` items of such a type, they become one
 * entry ("3 new orders") naming the first `show` of them, in the place of
 * (and with the time of) the latest one, so the list stays in time order.
 * A type with `never` is not collapsed (it is not folded at all). A title
 * that throws or is empty leaves the items as they were.
 */
export function collapseEntries(items: readonly SummarizedItem[], ctx: RenderContext): DigestEntry[] {
  const groups = new Map<string, { rule: DigestCollapse; at: number[] }>();
  items.forEach(({ def }, i) => {
    const rule = def?.digest?.collapse;
    if (!def || !rule || def.digest?.never) return;
    const group = groups.get(def.type);
    if (group) group.at.push(i);
    else groups.set(def.type, { rule, at: [i] });
  });
  // Index of an item → what stands in its place (null: it was folded into a later entry).
  const replaced = new Map<number, DigestEntry | null>();
  for (const { rule, at } of groups.values()) {
    if (at.length < (rule.atLeast ?? DEFAULT_COLLAPSE_AT_LEAST)) continue;
    const entry = collapsed(
      rule,
      at.map((i) => items[i]!.entry),
      ctx,
    );
    if (!entry) continue;
    for (const i of at) replaced.set(i, null);
    replaced.set(at[at.length - 1]!, entry);
  }
  return items.flatMap(({ entry }, i) => {
    if (!replaced.has(i)) return [entry];
    const r = replaced.get(i);
    return r ? [r] : [];
  });
}
