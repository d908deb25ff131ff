import type { Channel, RenderedContent } from "@herald/domain";
import { createElement } from "react";
import type { NotificationType, RenderContext } from "./define-notification.ts";
import { renderEmailHtml } from "./email/email-html.ts";
import { renderFramedEmail } from "./email/framed-email.ts";
import { htmlToPlainText } from "./email/plain-text.ts";

export class TemplateMissingError extends Error {
  constructor(type: string, channel: Channel) {
    super(`notification type ${type} has no ${channel} template`);
    this.name = "TemplateMissingError";
  }
}

/**
 * Renders one channel of a notification type. `data` must already have been
 * validated against the type's schema (the API does that on ingest).
 */
export async function renderNotification(
  def: NotificationType,
  channel: Channel,
  data: unknown,
  ctx: RenderContext,
): Promise<RenderedContent> {
  const t = def.templates;
  switch (channel) {
    case "email": {
      if (!t.email) throw new TemplateMissingError(def.type, channel);
      const props = { data, ctx };
      const framed = renderFramedEmail(t.email.component, props);
      const html = framed?.html ?? renderEmailHtml(createElement(t.email.component, props));
      return {
        channel,
        subject: t.email.subject(data, ctx),
        html,
        text: framed?.text ?? htmlToPlainText(html),
        ...(t.email.preview ? { preview: t.email.preview(data, ctx) } : {}),
      };
    }
    case "sms":
      if (!t.sms) throw new TemplateMissingError(def.type, channel);
      return { channel, text: t.sms(data, ctx) };
    case "push":
      if (!t.push) throw new TemplateMissingError(def.type, channel);
      return { channel, ...t.push(data, ctx) };
    case "in_app":
      if (!t.in_app) throw new TemplateMissingError(def.type, channel);
      return { channel, ...t.in_app(data, ctx) };
  }
}

/** Defaults for a recipient without locale or time zone. */
export function renderContext(partial: Partial<RenderContext> & { userId: string }): RenderContext {
  return {
    locale: "en-US",
    timezone: "UTC",
    properties: {},
    brandName: "Herald",
    ...partial,
  };
}
