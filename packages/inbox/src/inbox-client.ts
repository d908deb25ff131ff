import type { InboxSeenResult } from "@herald/client";
import type { InboxPage } from "./inbox-state.ts";
import type { TokenSource } from "./token-source.ts";
import type { InboxCounts, InboxItem, Preferences, PreferencesPatch } from "./types.ts";

/** A refused or failed request: `status` 0 when no response came (offline, CORS, aborted). */
export class InboxRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "InboxRequestError";
  }
}

/** The routes that change one item. */
export type InboxItemAction = "read" | "unread" | "archive" | "unarchive";

export interface InboxClient {
  /** A page of the feed, or of the archived items with `archived`. */
  page(options: { cursor?: string | null; limit: number; archived?: boolean }): Promise<InboxPage>;
  action(id: string, action: InboxItemAction): Promise<{ item: InboxItem; counts: InboxCounts }>;
  readAll(): Promise<{ updated: number; counts: InboxCounts }>;
  /** Up to 100 ids in one request; answers those that changed. */
  seen(ids: readonly string[]): Promise<InboxSeenResult>;
  preferences(): Promise<Preferences>;
  updatePreferences(patch: PreferencesPatch): Promise<Preferences>;
  /** The stream's URL with the current token, resuming after `lastEventId` when given. */
  streamUrl(token: string, lastEventId: string | null): string;
}

/**
 * The inbox routes over `fetch`, with the user's token in the header. A 401
 * (expired or revoked token) renews the token once and tries again, when the
 * token can be renewed.
 */
export function inboxClient(options: {
  baseUrl: string;
  userId: string;
  tokens: TokenSource;
  fetch: typeof fetch;
}): InboxClient {
  const user = `${options.baseUrl.replace(/\/+$/, "")}/v1/users/${encodeURIComponent(options.userId)}`;
  const root = `${user}/inbox`;

  /** The app's backend failing to hand out a token is a failed request like any other, not a refusal. */
  async function withToken(get: () => Promise<string>): Promise<string> {
    try {
      return await get();
    } catch (err) {
      throw new InboxRequestError(0, "token_unavailable", `No inbox token: ${(err as Error).message}`);
    }
  }

  async function send<T>(
    method: "GET" | "POST" | "PUT",
    url: string,
    body?: unknown,
    renewed = false,
  ): Promise<T> {
    const token = await withToken(() => options.tokens.current());
    let res: Response;
    try {
      res = await options.fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new InboxRequestError(0, "network", `Herald could not be reached: ${(err as Error).message}`);
    }
    if (res.status === 401 && !renewed && options.tokens.renewable) {
      await withToken(() => options.tokens.renew());
      return send(method, url, body, true);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as {
        error?: { code?: string; message?: string };
      } | null;
      throw new InboxRequestError(
        res.status,
        body?.error?.code ?? "http_error",
        body?.error?.message ?? `Herald answered ${res.status}.`,
      );
    }
    return (await res.json()) as T;
  }

  return {
    page({ cursor, limit, archived }) {
      const q = new URLSearchParams({ limit: String(limit) });
      if (cursor) q.set("cursor", cursor);
      if (archived) q.set("archived", "true");
      return send("GET", `${root}?${q}`);
    },
    action: (id, action) => send("POST", `${root}/${encodeURIComponent(id)}/${action}`),
    readAll: () => send("POST", `${root}/read-all`),
    seen: (ids) => send("POST", `${root}/seen`, { ids }),
    preferences: () => send("GET", `${user}/preferences`),
    updatePreferences: (patch) => send("PUT", `${user}/preferences`, patch),
    streamUrl(token, lastEventId) {
      const q = new URLSearchParams({ token });
      // EventSource sends Last-Event-ID only on its own reconnects; a new stream (new token) says it here.
      if (lastEventId) q.set("lastEventId", lastEventId);
      return `${root}/stream?${q}`;
    },
  };
}
