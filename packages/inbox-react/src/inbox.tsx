import type { InboxItem, InboxStore } from "@herald/inbox";
import { useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { InboxArchivedItem } from "./inbox-archived-item.tsx";
import { InboxFeedItem } from "./inbox-feed-item.tsx";
import { type InboxLabels, inboxLabels } from "./inbox-labels.ts";
import { inboxStyles } from "./inbox-styles.ts";
import { useInbox } from "./use-inbox.ts";

export interface InboxProps {
  /** The store from `createInbox(...)`; the component never closes it. */
  store: InboxStore;
  /** The popover's heading. Default: `labels.title` ("Notifications"). */
  title?: string;
  /** Shown when the feed is empty. Default: `labels.emptyText` ("You're all caught up."). */
  emptyText?: string;
  /** The text of an item's link (items with a `url`). Default: `labels.actionLabel` ("Open"). */
  actionLabel?: string;
  /**
   * BCP 47 locale for times and for the built-in labels (English, German and
   * French: `de`, `de-AT`, `fr-CA`…). Default: the browser's for times, English labels.
   */
  locale?: string;
  /** Texts replacing the built-in ones of `locale`'s language (see {@link InboxLabels}). */
  labels?: Partial<InboxLabels>;
  /** Mark the shown unseen items seen when the feed opens. Default true. */
  markSeenOnOpen?: boolean;
  /**
   * Called when an item is clicked (after it is marked read), e.g. to route
   * in a single-page app. Default: nothing more (the item's link, when it has
   * one, navigates by itself).
   */
  onItemClick?: (item: InboxItem) => void;
  /** Leave out the built-in stylesheet (`inboxStyles`). Default false. */
  unstyled?: boolean;
  /** Extra class on the root element. */
  className?: string;
}

const MINUTE = 60_000;

/**
 * A bell with the unread count, opening the user's live feed: click an item
 * to mark it read, mark a read one unread again, mark all read, archive,
 * load older items; "Archived" lists the archived items, each with a button
 * that restores it. Escape or a click outside closes it (and goes back to
 * the feed); Escape gives focus back to the bell.
 */
export function Inbox({
  store,
  title,
  emptyText,
  actionLabel,
  locale,
  labels,
  markSeenOnOpen = true,
  onItemClick,
  unstyled = false,
  className,
}: InboxProps) {
  const state = useInbox(store);
  const text = useMemo(() => inboxLabels(locale, labels), [locale, labels]);
  const heading = title ?? text.title;
  const [open, setOpen] = useState(false);
  const [view, setView] = useState<"feed" | "archived">("feed");
  const [now, setNow] = useState(() => Date.now());
  const root = useRef<HTMLDivElement>(null);
  const bell = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);
  const popoverId = useId();
  const { unread } = state.counts;

  const close = useCallback((focusBell: boolean) => {
    setOpen(false);
    setView("feed");
    if (focusBell) bell.current?.focus();
  }, []);

  // While open: relative times stay current, a click outside or Escape closes, focus moves into the feed.
  useEffect(() => {
    if (!open) return;
    setNow(Date.now());
    const tick = setInterval(() => setNow(Date.now()), MINUTE);
    const outside = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) close(false);
    };
    // Focus goes back to the bell when it was in the feed or nowhere (its element removed), not when it is
    // elsewhere on the page.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      const at = document.activeElement;
      close(!at || at === document.body || (root.current?.contains(at) ?? false));
    };
    document.addEventListener("pointerdown", outside);
    document.addEventListener("keydown", onKey);
    popover.current?.focus();
    return () => {
      clearInterval(tick);
      document.removeEventListener("pointerdown", outside);
      document.removeEventListener("keydown", onKey);
    };
  }, [open, close]);

  // Opening the feed is seeing what it shows (items arriving while it is open too). Each id is sent
  // once: a failed request is rolled back by the store, and must not be retried on every render.
  const seenSent = useRef(new Set<string>());
  const unseenKey = state.items
    .filter((i) => !i.seen && !seenSent.current.has(i.id))
    .map((i) => i.id)
    .join(",");
  useEffect(() => {
    if (!open || !markSeenOnOpen || !unseenKey) return;
    const ids = unseenKey.split(",");
    for (const id of ids) seenSent.current.add(id);
    void store.markSeen(ids);
  }, [open, markSeenOnOpen, unseenKey, store]);

  const openItem = (item: InboxItem) => {
    if (!item.read) void store.markRead(item.id);
    onItemClick?.(item);
  };

  // A row whose button was used goes away: keep focus in the popover rather than lose it to the page.
  const keepFocus = () => popover.current?.focus();
  const showArchived = (on: boolean) => {
    setView(on ? "archived" : "feed");
    // Fetched on every visit: items archived in another tab since arrive as ids only.
    if (on) void store.loadArchived();
  };

  const label = unread === 0 ? heading : text.bellUnread(heading, unread);
  const archived = view === "archived";
  const list = archived ? state.archive : state;
  const empty = list.loaded && list.items.length === 0;
  return (
    <div
      ref={root}
      className={className ? `herald-inbox ${className}` : "herald-inbox"}
      data-connection={state.connection}
    >
      {!unstyled && (
        <style href="herald-inbox" precedence="default">
          {inboxStyles}
        </style>
      )}
      <button
        ref={bell}
        type="button"
        className="herald-inbox__bell"
        aria-label={label}
        aria-expanded={open}
        aria-haspopup="dialog"
        aria-controls={open ? popoverId : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 && (
          <span className="herald-inbox__badge" aria-hidden="true">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <div
          ref={popover}
          id={popoverId}
          role="dialog"
          aria-label={heading}
          tabIndex={-1}
          className="herald-inbox__popover"
        >
          <div className="herald-inbox__header">
            <h2 className="herald-inbox__title">{heading}</h2>
            <span className="herald-inbox__header-actions">
              {!archived && (
                <button
                  type="button"
                  className="herald-inbox__link-button"
                  disabled={unread === 0}
                  onClick={() => void store.markAllRead()}
                >
                  {text.markAllRead}
                </button>
              )}
              <button
                type="button"
                className="herald-inbox__link-button herald-inbox__view"
                aria-pressed={archived}
                onClick={() => showArchived(!archived)}
              >
                {text.archivedView}
              </button>
            </span>
          </div>
          {state.error ? (
            <div className="herald-inbox__status" role="alert">
              {state.error.kind === "action" ? text.actionFailed : state.error.message}{" "}
              {state.connection !== "closed" && (
                <button
                  type="button"
                  className="herald-inbox__link-button"
                  onClick={() => void store.refresh()}
                >
                  {text.retry}
                </button>
              )}
            </div>
          ) : (
            state.connection === "reconnecting" && (
              <div className="herald-inbox__status" role="status">
                {text.reconnecting}
              </div>
            )
          )}
          <ul className="herald-inbox__list" aria-busy={list.loading}>
            {archived
              ? state.archive.items.map((item) => (
                  <InboxArchivedItem
                    key={item.id}
                    item={item}
                    now={now}
                    locale={locale}
                    labels={text}
                    onRestore={(i) => {
                      keepFocus();
                      void store.unarchive(i.id);
                    }}
                  />
                ))
              : state.items.map((item) => (
                  <InboxFeedItem
                    key={item.id}
                    item={item}
                    now={now}
                    locale={locale}
                    actionLabel={actionLabel ?? text.actionLabel}
                    labels={text}
                    onOpen={openItem}
                    onArchive={(i) => {
                      keepFocus();
                      void store.archive(i.id);
                    }}
                    onMarkUnread={(i) => void store.markUnread(i.id)}
                  />
                ))}
          </ul>
          {empty && !state.error && (
            <p className="herald-inbox__empty">
              {archived ? text.archivedEmpty : (emptyText ?? text.emptyText)}
            </p>
          )}
          {list.loading && (
            <p className="herald-inbox__status" role="status">
              {text.loading}
            </p>
          )}
          {list.hasMore && !list.loading && (
            <button
              type="button"
              className="herald-inbox__more"
              onClick={() => void (archived ? store.loadMoreArchived() : store.loadMore())}
            >
              {text.loadMore}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
