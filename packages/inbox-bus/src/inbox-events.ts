/** Something that changed in a user's inbox. Ids only: the log lives in Redis, so no content (PII) goes there. */
export type InboxEvent =
  | { type: "notification"; id: string }
  | { type: "read"; ids: string[] }
  | { type: "read_all" }
  | { type: "seen"; ids: string[] }
  /** Every item seen (`seen-all`): too many ids, maybe, for one event. */
  | { type: "seen_all" }
  | { type: "archived"; ids: string[] }
  /** Read items marked unread again (their status stays READ). */
  | { type: "unread"; ids: string[] }
  /** Archived items back in the feed. */
  | { type: "unarchived"; ids: string[] }
  /**
   * The user's tokens were revoked, or the user erased: a stream opened with
   * a user token checks it again and ends if it no longer opens the inbox.
   * Not passed on to clients as such.
   */
  | { type: "tokens_revoked" };

/** An event as published: with its position (`sid`) in the user's log, used as the SSE event id. */
export type InboxMessage = InboxEvent & { sid: string };

/** Pub/sub channel on which a recipient's inbox events are announced. */
export function inboxChannel(prefix: string, recipientId: string): string {
  return `${prefix}:inbox:${recipientId}`;
}

/** The recipient's recent events (a Redis stream), replayed to a client reconnecting with Last-Event-ID. */
export function inboxLogKey(prefix: string, recipientId: string): string {
  return `${prefix}:inbox-log:${recipientId}`;
}

const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

export function isStreamId(value: string): boolean {
  return STREAM_ID.test(value);
}

/** Orders Redis stream ids (`<ms>-<seq>`): negative, zero or positive like a comparator. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split("-").map(BigInt) as [bigint, bigint];
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

export function parseInboxMessage(text: string): InboxMessage | null {
  try {
    const m = JSON.parse(text) as InboxMessage;
    return typeof m.sid === "string" && typeof m.type === "string" ? m : null;
  } catch {
    return null;
  }
}
