import type { InboxItem } from "@herald/inbox";
import { InboxItemText } from "./inbox-item-text.tsx";
import type { InboxLabels } from "./inbox-labels.ts";

export interface InboxFeedItemProps {
  item: InboxItem;
  now: number;
  locale: string | undefined;
  actionLabel: string;
  /** The unread dot's and the buttons' texts. */
  labels: Pick<InboxLabels, "unread" | "archive" | "archiveItem" | "markUnread" | "markUnreadItem">;
  onOpen(item: InboxItem): void;
  onArchive(item: InboxItem): void;
  onMarkUnread(item: InboxItem): void;
}

/**
 * One row of the feed: the clickable message (marks it read), its link if it
 * has one, archive, and "mark as unread" once it is read.
 */
export function InboxFeedItem({
  item,
  now,
  locale,
  actionLabel,
  labels,
  onOpen,
  onArchive,
  onMarkUnread,
}: InboxFeedItemProps) {
  return (
    <li className="herald-inbox__item" data-id={item.id} data-read={String(item.read)}>
      <button type="button" className="herald-inbox__item-main" onClick={() => onOpen(item)}>
        {!item.read && <span className="herald-inbox__dot" role="img" aria-label={labels.unread} />}
        <InboxItemText item={item} now={now} locale={locale} />
      </button>
      <span className="herald-inbox__item-actions">
        <button
          type="button"
          className="herald-inbox__archive"
          aria-label={labels.archiveItem(item.title)}
          title={labels.archive}
          onClick={() => onArchive(item)}
        >
          ×
        </button>
        {item.read && (
          <button
            type="button"
            className="herald-inbox__unread"
            aria-label={labels.markUnreadItem(item.title)}
            title={labels.markUnread}
            onClick={() => onMarkUnread(item)}
          >
            <span aria-hidden="true" />
          </button>
        )}
        {item.url && (
          <a className="herald-inbox__action" href={item.url} onClick={() => onOpen(item)}>
            {actionLabel}
          </a>
        )}
      </span>
    </li>
  );
}
