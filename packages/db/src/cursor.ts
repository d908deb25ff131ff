/**
 * Lists page by id (ids sort by creation time). The cursor is opaque to
 * callers so its format can change.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, "utf8").toString("base64url");
}

/** The id inside a cursor, or null when the cursor is not one of ours. */
export function decodeCursor(cursor: string): string | null {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  return /^[a-z]{3}_[0-9a-z]{26}$/.test(id) ? id : null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Turns `limit + 1` fetched rows into a page and its cursor. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

/**
 * Where a list ordered by time, then by a key, stopped (a user's topics,
 * newest first): the last row's time in microseconds since 1970, as
 * PostgreSQL stores it (a `Date` keeps milliseconds only, and rows a few
 * microseconds apart would repeat or be skipped), and its key.
 */
export interface TimeKeyPosition {
  micros: string;
  key: string;
}

/** An opaque cursor for a {@link TimeKeyPosition}. */
export function encodeTimeKeyCursor(position: TimeKeyPosition): string {
  return Buffer.from(`${position.micros}:${position.key}`, "utf8").toString("base64url");
}

/**
 * The position inside a cursor, or null when it is not one of ours. Keys are
 * printable ASCII (topic keys are), so nothing PostgreSQL would refuse as a
 * parameter (a NUL byte) gets through.
 */
export function decodeTimeKeyCursor(cursor: string): TimeKeyPosition | null {
  const match = /^(\d{1,17}):([\x21-\x7e]{1,256})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match ? { micros: match[1]!, key: match[2]! } : null;
}

/**
 * An opaque cursor for a list ordered by a text key (topics by key): the
 * last key, tagged so that another list's cursor is not taken for one.
 */
export function encodeKeyCursor(key: string): string {
  return Buffer.from(`k:${key}`, "utf8").toString("base64url");
}

/** The key inside a cursor, or null when it is not one of ours (printable ASCII only, as topic keys are). */
export function decodeKeyCursor(cursor: string): string | null {
  const match = /^k:([\x21-\x7e]{1,256})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match ? match[1]! : null;
}
