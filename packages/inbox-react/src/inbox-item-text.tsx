import type { InboxItem } from "@herald/inbox";
import { relativeTime } from "./relative-time.ts";

/** An item's title, body and age, as the feed and the archived list both show them. */
export function InboxItemText({
  item,
  now,
  locale,
}: {
  item: InboxItem;
  now: number;
  locale: string | undefined;
}) {
  return (
    <>
      <span className="herald-inbox__item-title">{item.title}</span>
      {item.body && <span className="herald-inbox__item-body">{item.body}</span>}
      <time
        className="herald-inbox__item-time"
        dateTime={item.createdAt}
        title={new Date(item.createdAt).toLocaleString(locale)}
      >
        {relativeTime(item.createdAt, now, locale)}
      </time>
    </>
  );
}
