import type { Channel, RenderedContent } from "@herald/domain";
import { render } from "@react-email/render";
import { createElement } from "react";
import type { RenderContext } from "../define-notification.ts";
import { htmlToPlainText } from "../email/plain-text.ts";
import { DigestEmail } from "./digest-email.tsx";
import { cut, type DigestEntry, digestItemCount } from "./summarize.ts";

export type DigestPeriod = "daily" | "weekly";

/**
 * Renders the one message of a digest window on `channel`: an e-mail listing
 * every entry (react-email), or a short summary for SMS, push and in-app.
 * The count ("3 updates") is of items, a collapsed entry counting each of its own.
 */
export async function renderDigest(
  channel: Channel,
  entries: DigestEntry[],
  period: DigestPeriod,
  ctx: RenderContext,
): Promise<RenderedContent> {
  if (entries.length === 0) throw new Error("a digest needs at least one entry");
  const title = period === "weekly" ? "Your weekly digest" : "Your daily digest";
  const total = digestItemCount(entries);
  const count = total === 1 ? "1 update" : `${total} updates`;
  const titles = entries.map((e) => e.title).join(" · ");
  switch (channel) {
    case "email": {
      const html = await render(createElement(DigestEmail, { entries, title, ctx }));
      return {
        channel,
        subject: `${title}: ${count}`,
        html,
        text: htmlToPlainText(html),
        preview: cut(titles, 120),
      };
    }
    case "sms":
      return { channel, text: cut(`${ctx.brandName} ${title.toLowerCase()}, ${count}: ${titles}`, 320) };
    case "push":
      return { channel, title: `${title}: ${count}`, body: cut(titles, 140) };
    case "in_app":
      return { channel, title: `${title}: ${count}`, body: cut(titles, 500) };
  }
}
