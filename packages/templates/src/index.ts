export {
  type CatalogData,
  catalog,
  getNotificationType,
  listNotificationTypes,
  type NotificationTypeName,
  starterCatalog,
} from "./catalog/index.ts";
export {
  type ChannelCondition,
  CONDITION_DESCRIPTION_MAX,
  type ConditionInput,
  type ConditionKey,
  type Conditions,
  type ConditionUser,
  conditionsOf,
} from "./conditions.ts";
export { type Catalog, CatalogError, createCatalog, notificationTypeProblems } from "./create-catalog.ts";
export {
  type ChannelTemplates,
  channelsOf,
  defineNotification,
  type EmailTemplate,
  type NotificationType,
  notSentOn,
  type RenderContext,
} from "./define-notification.ts";
export { collapseEntries, type SummarizedItem } from "./digest/collapse.ts";
export {
  DEFAULT_COLLAPSE_AT_LEAST,
  DEFAULT_COLLAPSE_SHOW,
  type DigestCollapse,
  type DigestRules,
  type DigestSummary,
  digestible,
} from "./digest/digest-rules.ts";
export { type DigestPeriod, renderDigest } from "./digest/render-digest.ts";
export { type DigestEntry, digestItemCount, summarizeNotification } from "./digest/summarize.ts";
export {
  ESCALATION_MAX_MS,
  ESCALATION_MIN_MS,
  type Escalation,
  type EscalationRules,
  escalationOf,
} from "./escalation.ts";
export { money } from "./format.ts";
export { DEFAULT_LANGUAGE, languageTagProblem } from "./i18n/language-tag.ts";
export {
  type FrameMessages,
  messageLanguages,
  messagesFor,
  type UnsubscribePageMessages,
} from "./i18n/messages.ts";
export { languagesOf, type ResolvedTemplates, resolveTemplates } from "./i18n/resolve-templates.ts";
export { LINK_URL_MESSAGE, linkUrl } from "./link-url.ts";
export { renderContext, renderNotification, TemplateMissingError } from "./render.ts";
