export { Inbox, type InboxProps } from "./inbox.tsx";
export { InboxFeedItem, type InboxFeedItemProps } from "./inbox-feed-item.tsx";
export { INBOX_LABELS, type InboxLabels, inboxLabels } from "./inbox-labels.ts";
export { inboxStyles } from "./inbox-styles.ts";
export {
  NotificationPreferences,
  type NotificationPreferencesProps,
  type PreferenceCategory,
} from "./notification-preferences.tsx";
export { relativeTime } from "./relative-time.ts";
export { useInbox } from "./use-inbox.ts";
