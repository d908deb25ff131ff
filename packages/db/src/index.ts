export { sql } from "drizzle-orm";
export { type AmbiguousProvider, recordAmbiguousProviders } from "./ambiguous-providers.ts";
export * from "./api-key-replays.ts";
export * from "./api-keys.ts";
export * from "./audit-log.ts";
export { byteOrder } from "./byte-order.ts";
export * from "./cancel-event.ts";
export {
  type CreateDbOptions,
  createDb,
  type Db,
  type DbHandle,
  DEFAULT_PLAN_CACHE_MODE,
  PLAN_CACHE_MODES,
  type PlanCacheMode,
} from "./client.ts";
export {
  decodeCursor,
  decodeKeyCursor,
  decodeTimeKeyCursor,
  encodeCursor,
  encodeKeyCursor,
  encodeTimeKeyCursor,
  type Page,
  type TimeKeyPosition,
  toPage,
} from "./cursor.ts";
export * from "./dashboard-queries.ts";
export * from "./dashboard-users.ts";
export * from "./dedup.ts";
export * from "./delivery-tracking.ts";
export * from "./devices.ts";
export * from "./digest-release.ts";
export * from "./digests.ts";
export { ERASE_BATCH_SIZE, type EraseResult, eraseRecipient } from "./erase-recipient.ts";
export * from "./events.ts";
export * from "./fanout.ts";
export * from "./inbox.ts";
export * from "./inbox-undo.ts";
export { markRetrying, type RetryRecord } from "./mark-retrying.ts";
export { markSent, markSentOverCancel, type SentRecord } from "./mark-sent.ts";
export { MIGRATIONS_FOLDER, migrateDatabase } from "./migrate.ts";
export * from "./notifications.ts";
export * from "./outbox.ts";
export { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "./passwords.ts";
export * from "./preferences.ts";
export * from "./preferences-patch.ts";
export {
  listQuietHolds,
  type QuietHold,
  type QuietHoldOutcome,
  settleQuietHold,
} from "./quiet-holds.ts";
export { suppressIfReadElsewhere } from "./read-elsewhere.ts";
export * from "./recipients.ts";
export * from "./retention.ts";
export * from "./schedules.ts";
export * from "./scheduling.ts";
export * from "./schema/index.ts";
export { pendingMigrations, schemaCheck } from "./schema-version.ts";
export { loadBatchRequest, loadSendContexts, type SendContextRow } from "./send-contexts.ts";
export * from "./settings.ts";
export { listStaleEvents, listStaleNotifications } from "./stale-work.ts";
export * from "./stats.ts";
export * from "./status-batch-settle.ts";
export * from "./status-batch-split.ts";
export * from "./status-webhook-backlog.ts";
export * from "./status-webhook-orphans.ts";
export * from "./status-webhooks.ts";
export * from "./suppressions.ts";
export * from "./table-statistics.ts";
export * from "./topics.ts";
export { isDatabaseUnavailable } from "./unavailable.ts";
export * from "./upsert-recipients.ts";
export { listUserEvents, type UserEventFilter, type UserEventRow } from "./user-events.ts";
export {
  EXPORT_PAGE_SIZE,
  type ExportNotification,
  type ExportPageLoader,
  type ExportPagesOptions,
  type ExportSubject,
  exportPages,
  loadEventPage,
  loadNotificationPage,
  userEventPages,
  userNotificationPages,
} from "./user-export.ts";
export * from "./vapid-keys.ts";
export * from "./webhook-endpoints.ts";
export * from "./webhook-receipts.ts";
export {
  migrateWhenReachable,
  type ReachabilityLog,
  type WhenReachableOptions,
  whenDatabaseReachable,
} from "./when-reachable.ts";
