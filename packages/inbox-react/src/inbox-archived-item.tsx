import type { InboxItem } from "@herald/inbox";
import { InboxItemText } from "./inbox-item-text.tsx";
import type { InboxLabels } from "./inbox-labels.ts";

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
        <InboxItemText item={item} now={now} locale={locale} />
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
