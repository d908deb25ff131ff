import type { Channel, RenderedContent } from "@herald/domain";
import { createElement } from "react";
import type { NotificationType, RenderContext } from "./define-notification.ts";
import { renderEmailHtml } from "./email/email-html.ts";
import { renderFramedEmail } from "./email/framed-email.ts";
import { htmlToPlainText } from "./email/plain-text.ts";
import { resolveTemplates } from "./i18n/resolve-templates.ts";

export class TemplateMissingError extends Error {
  constructor(type: string, channel: Channel) {
    super(`notification type ${type} has no ${channel} template`);
    this.name = "TemplateMissingError";
  }
}

/**
 * Renders one channel of a notification type, in the translation the
 * recipient's locale picks (`resolveTemplates`). `data` must already have
 * been validated against the type's schema (the API does that on ingest).
 * Content rendered from a translation says which (`language`); the type's
 * default templates leave it out.
 */
export async function renderNotification(
  def: NotificationType,
  channel: Channel,
  data: unknown,
  ctx: RenderContext,
): Promise<RenderedContent> {
  const chosen = resolveTemplates(def, ctx.locale);
  const t = chosen.templates;
  const language = chosen.language[channel];
  // The locale stays the recipient's (numbers, dates); the language is what the frame follows.
  const c: RenderContext = language === undefined || ctx.language === language ? ctx : { ...ctx, language };
  const tag = chosen.translated[channel] ? { language: language! } : {};
  switch (channel) {
    case "email": {
      if (!t.email) throw new TemplateMissingError(def.type, channel);
      const props = { data, ctx: c };
      const framed = renderFramedEmail(t.email.component, props);
      const html = framed?.html ?? renderEmailHtml(createElement(t.email.component, props));
      return {
        channel,
        subject: t.email.subject(data, c),
        html,
        text: framed?.text ?? htmlToPlainText(html),
        ...(t.email.preview ? { preview: t.email.preview(data, c) } : {}),
        ...tag,
      };
    }
    case "sms":
      if (!t.sms) throw new TemplateMissingError(def.type, channel);
      return { channel, text: t.sms(data, c), ...tag };
    case "push":
      if (!t.push) throw new TemplateMissingError(def.type, channel);
      return { channel, ...t.push(data, c), ...tag };
    case "in_app":
      if (!t.in_app) throw new TemplateMissingError(def.type, channel);
      return { channel, ...t.in_app(data, c), ...tag };
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
