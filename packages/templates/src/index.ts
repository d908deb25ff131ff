export {
  type CatalogData,
  catalog,
  getNotificationType,
  listNotificationTypes,
  type NotificationTypeName,
} from "./catalog/index.ts";
export {
  type ChannelTemplates,
  channelsOf,
  defineNotification,
  type EmailTemplate,
  type NotificationType,
  notSentOn,
  type RenderContext,
} from "./define-notification.ts";
export { type DigestPeriod, renderDigest } from "./digest/render-digest.ts";
export { type DigestEntry, summarizeNotification } from "./digest/summarize.ts";
export { money } from "./format.ts";
export { LINK_URL_MESSAGE, linkUrl } from "./link-url.ts";
export { renderContext, renderNotification, TemplateMissingError } from "./render.ts";
