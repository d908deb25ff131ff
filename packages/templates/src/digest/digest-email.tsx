/** @jsxRuntime automatic */

import type { RenderContext } from "../define-notification.ts";
import { Heading, Hr, Link, Section, Text } from "../email/components.ts";
import { heading, Layout, paragraph } from "../email/layout.tsx";
import type { FrameMessages } from "../i18n/messages.ts";
import { type DigestEntry, digestItemCount } from "./summarize.ts";

const itemTitle = { ...paragraph, color: "#111827", fontWeight: 600, margin: "0 0 4px" };
const itemBody = { ...paragraph, margin: "0 0 4px" };
const itemMeta = { color: "#6b7280", fontSize: "12px", lineHeight: "18px", margin: "0" };

/** One e-mail listing every item of a digest window, newest last. */
export function DigestEmail({
  entries,
  title,
  ctx,
  messages,
}: {
  entries: DigestEntry[];
  title: string;
  ctx: RenderContext;
  /** The digest's own words, in `ctx.language`. */
  messages: FrameMessages;
}) {
  const time = new Intl.DateTimeFormat(ctx.locale, {
    timeZone: ctx.timezone,
    dateStyle: "medium",
    timeStyle: "short",
  });
  const total = digestItemCount(entries);
  return (
    <Layout ctx={ctx} preview={entries.map((e) => e.title).join(" · ")}>
      <Heading style={heading}>{title}</Heading>
      <Text style={paragraph}>{messages.digestUnseen(total)}</Text>
      {entries.map((e, i) => (
        <Section key={e.id ?? e.title} style={{ margin: "0 0 8px" }}>
          {i > 0 ? <Hr style={{ borderColor: "#f3f4f6", margin: "8px 0 12px" }} /> : null}
          <Text style={itemTitle}>{e.url ? <Link href={e.url}>{e.title}</Link> : e.title}</Text>
          {e.body ? <Text style={itemBody}>{e.body}</Text> : null}
          {e.at ? <Text style={itemMeta}>{time.format(e.at)}</Text> : null}
        </Section>
      ))}
    </Layout>
  );
}
