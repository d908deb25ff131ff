import type { Channel, RenderedContent } from "@herald/domain";
import { render } from "@react-email/render";
import { createElement } from "react";
import type { RenderContext } from "../define-notification.ts";
import { htmlToPlainText } from "../email/plain-text.ts";
import { DEFAULT_LANGUAGE } from "../i18n/language-tag.ts";
import { messagesFor } from "../i18n/messages.ts";
import { DigestEmail } from "./digest-email.tsx";
import { cut, type DigestEntry, digestItemCount } from "./summarize.ts";

export type DigestPeriod = "daily" | "weekly";

/**
 * Renders the one message of a digest window on `channel`: an e-mail listing
 * every entry (react-email), or a short summary for SMS, push and in-app.
 * The count ("3 updates") is of items, a collapsed entry counting each of its own.
 * Its own words are in the recipient's language where Herald has a dictionary
 * for it (`messagesFor`), else English; the entries are as summarized.
 */
export async function renderDigest(
  channel: Channel,
  entries: DigestEntry[],
  period: DigestPeriod,
  ctx: RenderContext,
): Promise<RenderedContent> {
  if (entries.length === 0) throw new Error("a digest needs at least one entry");
  const { language, messages: t } = messagesFor(ctx.locale);
  const title = t.digestTitle(period);
  const total = digestItemCount(entries);
  const headline = t.digestHeadline(period, total);
  const titles = entries.map((e) => e.title).join(" · ");
  const tag = language === DEFAULT_LANGUAGE ? {} : { language };
  switch (channel) {
    case "email": {
      const html = await render(
        createElement(DigestEmail, { entries, title, ctx: { ...ctx, language }, messages: t }),
      );
      return {
        channel,
        subject: headline,
        html,
        text: htmlToPlainText(html),
        preview: cut(titles, 120),
        ...tag,
      };
    }
    case "sms":
      return {
        channel,
        text: cut(`${t.digestSms(ctx.brandName, period, total)} ${titles}`, 320),
        ...tag,
      };
    case "push":
      return { channel, title: headline, body: cut(titles, 140), ...tag };
    case "in_app":
      return { channel, title: headline, body: cut(titles, 500), ...tag };
  }
}
