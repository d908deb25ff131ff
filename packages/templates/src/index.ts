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
  type RenderContext,
} from "./define-notification.ts";
export { money } from "./format.ts";
export { renderContext, renderNotification, TemplateMissingError } from "./render.ts";
