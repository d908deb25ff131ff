import type { Category, Channel } from "@herald/domain";
import { DE_LABELS } from "./labels-de.ts";
import { EN_LABELS } from "./labels-en.ts";
import { FR_LABELS } from "./labels-fr.ts";

/**
 * Every text `<Inbox/>` and `<NotificationPreferences/>` show or announce to
 * screen readers. The item texts themselves come rendered from Herald, in
 * the recipient's language when its catalog has a translation.
 */
export interface InboxLabels {
  /** The feed's heading and the bell's name. */
  title: string;
  /** The bell's accessible name while `unread` > 0. */
  bellUnread: (title: string, unread: number) => string;
  emptyText: string;
  /** The text of an item's link (items with a `url`). */
  actionLabel: string;
  markAllRead: string;
  retry: string;
  reconnecting: string;
  loading: string;
  loadMore: string;
  /** Shown when Herald refused a read, seen or archive (the change is undone). */
  actionFailed: string;
  /** The unread dot's accessible name. */
  unread: string;
  /** The archive button's tooltip, and its accessible name for one item. */
  archive: string;
  archiveItem: (itemTitle: string) => string;
  preferencesTitle: string;
  channelsLegend: string;
  categoriesLegend: string;
  /** After a required category's name. */
  required: string;
  unsubscribeAll: string;
  unsubscribeAllHint: string;
  /** Under a switch that is off because it is opt-in and the user never turned it on. */
  optInHint: string;
  loadFailed: (message: string) => string;
  saveFailed: (message: string) => string;
  channels: Record<Channel, string>;
  categories: Record<Category, { label: string; description: string }>;
  /** A read item's "mark as unread" button: tooltip, and its accessible name for one item. */
  markUnread: string;
  markUnreadItem: (itemTitle: string) => string;
  /** The toggle between the feed and the archived items. */
  archivedView: string;
  /** Shown when there is no archived item. */
  archivedEmpty: string;
  /** An archived item's button that brings it back: its text, and its accessible name for one item. */
  restore: string;
  restoreItem: (itemTitle: string) => string;
}

/** The languages built in, by primary language subtag. */
export const INBOX_LABELS: Readonly<Record<string, InboxLabels>> = {
  en: EN_LABELS,
  de: DE_LABELS,
  fr: FR_LABELS,
};

/**
 * The labels for `locale`: the built-in set of its language (`de-AT` → `de`, `fr-CA` → `fr`),
 * English when none is built in or no locale is given, then `overrides` on
 * top. Following the page's own `locale` prop, not the browser's language,
 * keeps the bell in the language of the app around it.
 */
export function inboxLabels(locale?: string, overrides?: Partial<InboxLabels>): InboxLabels {
  const language = locale?.split(/[-_]/)[0]?.toLowerCase() ?? "en";
  const base = (Object.hasOwn(INBOX_LABELS, language) ? INBOX_LABELS[language] : undefined) ?? EN_LABELS;
  return overrides ? { ...base, ...overrides } : base;
}
