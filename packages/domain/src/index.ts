export { canonicalJson } from "./canonical-json.ts";
export { CATEGORIES, type Category, isCategory, isRequiredCategory, isSecretCategory } from "./categories.ts";
export { CHANNELS, type Channel, isChannel } from "./channels.ts";
export type { RenderedContent, RenderedFor } from "./content.ts";
export { DEFAULT_DIGEST_TIME } from "./digest.ts";
export { MAX_SEEN_IDS } from "./inbox-limits.ts";
export { NO_OPT_IN, type OptInSettings } from "./opt-in.ts";
export { PRIORITIES, PRIORITY_RANK, type Priority } from "./priorities.ts";
export {
  canTransition,
  DEFAULT_STATUS_WEBHOOK_STATUSES,
  FINAL_FAILURE_REASONS,
  type FinalFailureReason,
  isFailedForGood,
  isTerminal,
  NOTIFICATION_STATUSES,
  type NotificationStatus,
  SUPPRESSION_REASONS,
  type SuppressionReason,
  statusesInto,
} from "./statuses.ts";
export { TWILIO_NUMBER_GONE_CODES } from "./twilio-number-codes.ts";
export { webPushKeysProblem } from "./web-push-keys.ts";
