import type { InboxItem } from "@herald/inbox";
import type { InboxLabels } from "./inbox-labels.ts";
import { relativeTime } from "./relative-time.ts";

export interface InboxArchivedItemProps {
  item: InboxItem;
  now: number;
  locale: string | undefined;
  labels: Pick<InboxLabels, "restore" | "restoreItem">;
  onRestore(item: InboxItem): void;
}

/** One row of the archived list: the message as the feed shows it, and a button bringing it back. */
export function InboxArchivedItem({ item, now, locale, labels, onRestore }: InboxArchivedItemProps) {
  return (
    <li className="herald-inbox__item" data-id={item.id} data-archived="true">
      <div className="herald-inbox__item-main">
        <span className="herald-inbox__item-title">{item.title}</span>
        {item.body && <span className="herald-inbox__item-body">{item.body}</span>}
        <time
          className="herald-inbox__item-time"
          dateTime={item.createdAt}
          title={new Date(item.createdAt).toLocaleString(locale)}
        >
          {relativeTime(item.createdAt, now, locale)}
        </time>
      </div>
      <span className="herald-inbox__item-actions">
        <button
          type="button"
          className="herald-inbox__link-button"
          aria-label={labels.restoreItem(item.title)}
          onClick={() => onRestore(item)}
        >
          {labels.restore}
        </button>
      </span>
    </li>
  );
}
