import { CATEGORIES } from "@herald/domain";
import type { InboxLabels } from "./inbox-labels.ts";

export const EN_LABELS: InboxLabels = {
  title: "Notifications",
  bellUnread: (title, unread) => `${title}, ${unread} unread`,
  emptyText: "You're all caught up.",
  actionLabel: "Open",
  markAllRead: "Mark all as read",
  retry: "Retry",
  reconnecting: "Reconnecting…",
  loading: "Loading…",
  loadMore: "Load more",
  actionFailed: "That change could not be saved.",
  unread: "Unread",
  archive: "Archive",
  archiveItem: (itemTitle) => `Archive: ${itemTitle}`,
  preferencesTitle: "Notification preferences",
  channelsLegend: "Channels",
  categoriesLegend: "Categories",
  required: "(required)",
  unsubscribeAll: "Unsubscribe from everything optional",
  unsubscribeAllHint: "Required notifications still arrive.",
  optInHint: "Only if you turn it on.",
  loadFailed: (message) => `Your preferences could not be loaded: ${message}`,
  saveFailed: (message) => `That change could not be saved: ${message}`,
  channels: { email: "Email", sms: "SMS", push: "Push", in_app: "In-app" },
  // The descriptions are the domain's own, so the two cannot drift apart.
  categories: Object.fromEntries(
    Object.entries(CATEGORIES).map(([id, c]) => [
      id,
      { label: id.charAt(0).toUpperCase() + id.slice(1), description: c.description },
    ]),
  ) as InboxLabels["categories"],
  markUnread: "Mark as unread",
  markUnreadItem: (itemTitle) => `Mark as unread: ${itemTitle}`,
  archivedView: "Archived",
  archivedEmpty: "No archived notifications.",
  restore: "Restore",
  restoreItem: (itemTitle) => `Restore: ${itemTitle}`,
};
