import type { InboxCounts, InboxItem } from "./types.ts";

/** What the stream says, decoded. */
export type InboxStreamEvent =
  | { type: "ready" }
  | { type: "position" }
  | { type: "notification"; item: InboxItem }
  | { type: "read"; ids: string[] }
  | { type: "read_all" }
  | { type: "seen"; ids: string[] }
  | { type: "seen_all" }
  | { type: "archived"; ids: string[] }
  | { type: "unread"; ids: string[] }
  /** Items back in the feed, with their copies (to put them in their place). */
  | { type: "unarchived"; ids: string[]; items: InboxItem[] }
  | { type: "counts"; counts: InboxCounts }
  | { type: "resync" }
  | { type: "token_expired" }
  | { type: "token_revoked" };

export interface InboxStreamHandlers {
  onEvent(event: InboxStreamEvent): void;
  /** The id of the last event that carried one: where a new stream resumes. */
  onPosition(lastEventId: string): void;
  /** EventSource is retrying by itself (`closed: false`), or gave up (`closed: true`: a refusal or a non-stream answer). */
  onError(closed: boolean): void;
}

export interface InboxStream {
  close(): void;
}

const WITH_IDS = ["read", "seen", "archived", "unread"] as const;
const BARE = [
  "ready",
  "position",
  "read_all",
  "seen_all",
  "resync",
  "token_expired",
  "token_revoked",
  "skip",
] as const;

/** One EventSource on the inbox stream, its events decoded for the store. */
export function openInboxStream(
  url: string,
  EventSourceImpl: typeof EventSource,
  handlers: InboxStreamHandlers,
): InboxStream {
  const source = new EventSourceImpl(url);
  let open = true;
  const on = (name: string, handle: (data: unknown) => void) =>
    source.addEventListener(name, (e) => {
      if (!open) return;
      const m = e as MessageEvent<string>;
      // Events without an `id` (counts, ready) keep the previous one here: only a real id moves the position.
      if (m.lastEventId) handlers.onPosition(m.lastEventId);
      let data: unknown = null;
      try {
        data = m.data ? JSON.parse(m.data) : null;
      } catch {
        return;
      }
      handle(data);
    });

  on("notification", (item) => handlers.onEvent({ type: "notification", item: item as InboxItem }));
  on("counts", (counts) => handlers.onEvent({ type: "counts", counts: counts as InboxCounts }));
  on("unarchived", (data) => {
    const { ids, items } = (data ?? {}) as { ids?: unknown; items?: unknown };
    if (!Array.isArray(ids)) return;
    handlers.onEvent({
      type: "unarchived",
      ids: ids.map(String),
      items: Array.isArray(items) ? (items as InboxItem[]) : [],
    });
  });
  for (const name of WITH_IDS) {
    on(name, (data) => {
      const ids = (data as { ids?: unknown } | null)?.ids;
      if (Array.isArray(ids)) handlers.onEvent({ type: name, ids: ids.map(String) });
    });
  }
  for (const name of BARE) {
    // `skip` only moves the position, which `on` has done.
    on(name, () => {
      if (name !== "skip") handlers.onEvent({ type: name });
    });
  }
  source.onerror = () => {
    if (!open) return;
    const closed = source.readyState === EventSourceImpl.CLOSED;
    if (closed) open = false;
    handlers.onError(closed);
  };

  return {
    close() {
      open = false;
      source.close();
    },
  };
}
