import { randomBytes } from "node:crypto";
import type { Channel, RenderedContent } from "@herald/domain";
import { type NotificationType, type RenderContext, renderNotification } from "@herald/templates";

export type Render = typeof renderNotification;

/** Characters a signed unsubscribe token is made of: the same in a URL, in HTML and in JSON. */
const SAFE_TOKEN = /^[A-Za-z0-9._~-]+$/;

/**
 * A renderer for one fan-out page. Rendering an e-mail takes ~2 ms of CPU,
 * which for 100,000 subscribers is minutes, while most of them share a
 * render context (locale, time zone, properties) and differ only in their
 * user id and unsubscribe link. So each distinct context is rendered once
 * with placeholders and the link's token is substituted per recipient.
 * A template that shows the user id itself (or mangles the placeholder) is
 * rendered per recipient as before: the output is always what
 * `renderNotification` would give.
 */
export function createPageRenderer(render: Render = renderNotification): Render {
  const userMark = `hrlduser${randomBytes(8).toString("hex")}`;
  const tokenMark = `hrldtoken${randomBytes(8).toString("hex")}`;
  const templates = new Map<string, Promise<string | null>>();

  const template = async (
    def: NotificationType,
    channel: Channel,
    data: unknown,
    ctx: RenderContext,
    urlBase: string | null,
  ): Promise<string | null> => {
    const marked: RenderContext = {
      ...ctx,
      userId: userMark,
      ...(urlBase !== null ? { unsubscribeUrl: `${urlBase}${tokenMark}` } : {}),
    };
    const json = JSON.stringify(await render(def, channel, data, marked));
    return json.includes(userMark) ? null : json;
  };

  return async (def, channel, data, ctx) => {
    const { userId: _userId, unsubscribeUrl, ...shared } = ctx;
    const cut = unsubscribeUrl ? unsubscribeUrl.lastIndexOf("/") + 1 : 0;
    const token = unsubscribeUrl?.slice(cut) ?? null;
    if (token !== null && !SAFE_TOKEN.test(token)) return render(def, channel, data, ctx);
    const urlBase = unsubscribeUrl ? unsubscribeUrl.slice(0, cut) : null;
    const key = JSON.stringify([def.type, channel, urlBase, shared]);
    let entry = templates.get(key);
    if (!entry) {
      entry = template(def, channel, data, ctx, urlBase);
      templates.set(key, entry);
    }
    const json = await entry;
    if (json === null) return render(def, channel, data, ctx);
    return JSON.parse(token === null ? json : json.split(tokenMark).join(token)) as RenderedContent;
  };
}
