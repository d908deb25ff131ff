import {
  ensureRecipient,
  getInboxItem,
  inboxCounts,
  markDeliveredMany,
  type NotificationRow,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import {
  compareStreamIds,
  type InboxMessage,
  isStreamId,
  latestInboxEventId,
  readInboxEventsAfter,
} from "@herald/inbox-bus";
import { createRoute, z } from "@hono/zod-openapi";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { commonErrors, UserIdParam, userTokenErrors } from "../schemas/common.ts";
import { serializeInboxItem } from "../schemas/inbox.ts";
import type { UserTokens } from "../services/user-tokens.ts";

const stream = createRoute({
  method: "get",
  path: "/v1/users/{userId}/inbox/stream",
  tags: ["Inbox"],
  security: [{ UserToken: [] }, { ApiKey: [] }] as Record<string, string[]>[],
  summary: "Server-Sent Events: new inbox items and count changes, live",
  description: [
    "Events: `ready` (counts, on connect), `position` (on a fresh stream: no data, its `id` is where a reconnect",
    "resumes), `notification` (an inbox item), `read` / `seen` / `archived` / `unread`",
    "(`{ids}`), `unarchived` (`{ids, items}`: the items back in the feed), `read_all`, `seen_all` (no data: every item read, or seen), `counts` (`{unread, unseen, total}` after every change) and `resync` (events were",
    "missed beyond the replay window: refetch the feed). Every change carries an `id`; reconnecting with",
    "`Last-Event-ID` (browsers do it by themselves) replays what was missed. Authenticate with `?token=`.",
    "With an expiring token the stream sends `token_expired` and ends when the token expires: fetch a new",
    "token and open a new stream (a reconnect with the old token gets 401). When the user's tokens are revoked",
    "(`POST /v1/users/{userId}/token/revoke`, or erasing the user), a stream opened with one of them sends",
    "`token_revoked` and ends. `skip` (an `id` only) stands for a change that no longer concerns the stream.",
    "Opening a stream creates the user if Herald has not seen it yet. 429 also means the user has",
    "`INBOX_STREAMS_PER_USER` streams open on this API process already (Retry-After 30).",
  ].join(" "),
  request: {
    params: UserIdParam,
    query: z.object({
      token: z.string().optional().openapi({
        description: "The user's token (EventSource cannot set headers)",
        example: "89df6c37dea84da1eb9add8d698ca373777b0c387a7f77ca1b08c347e75e62f1",
      }),
      lastEventId: z
        .string()
        .optional()
        .openapi({ description: "Alternative to the Last-Event-ID header", example: "1764000000000-0" }),
    }),
  },
  responses: {
    200: { description: "An event stream", content: { "text/event-stream": { schema: z.string() } } },
    ...commonErrors,
    ...userTokenErrors,
  },
});

// The worker announces an item just before it records it SENT, so the row may
// need a moment to become visible. Give up after ~2 s: a retried send announces again.
const VISIBILITY_WAITS_MS = [0, 2, 3, 5, 5, 10, 15, 20, 40, 80, 160, 320, 640, 800];

/** Node's timers take at most 2^31 - 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

async function visibleItem(deps: ApiDeps, recipientId: string, id: string): Promise<NotificationRow | null> {
  for (const wait of VISIBILITY_WAITS_MS) {
    if (wait) await new Promise((r) => setTimeout(r, wait));
    const row = await getInboxItem(deps.db, recipientId, id);
    if (row) return row;
  }
  return null;
}

/** The user token a stream was opened with (none for an API key or a dashboard session). */
interface StreamToken {
  userId: string;
  token: string;
  /** Ms since 1970; undefined for a plain token. */
  expiresAt: number | undefined;
  tokens: UserTokens;
}

/**
 * One client's stream: replay after Last-Event-ID, then live events from the
 * process's shared Redis subscription, in order, each at most once, followed
 * by fresh counts. Ends when the client goes away, when the user token it
 * was opened with expires, or when a revocation leaves that token invalid.
 */
async function runStream(
  deps: ApiDeps,
  sse: SSEStreamingApi,
  recipientId: string,
  lastEventId: string | null,
  signal: AbortSignal,
  opener: StreamToken | undefined,
): Promise<void> {
  let last = lastEventId;
  let replaying = true;
  let pumping = false;
  const queue: InboxMessage[] = [];
  const sent = new Set<string>();
  let stopping = false;
  let shutdown: () => void = () => {};
  const end = () => {
    stopping = true;
    shutdown();
  };

  const counts = async () => ({
    event: "counts",
    data: JSON.stringify(await inboxCounts(deps.db, recipientId)),
  });
  const deliver = async (m: InboxMessage) => {
    if (last && compareStreamIds(m.sid, last) <= 0) return;
    last = m.sid;
    if (m.type === "notification") {
      const row = sent.has(m.id) ? null : await visibleItem(deps, recipientId, m.id);
      if (!row) {
        // Still move the client's Last-Event-ID past this event.
        await sse.writeSSE({ event: "skip", data: "{}", id: m.sid });
        return;
      }
      sent.add(m.id);
      await sse.writeSSE({ event: "notification", data: JSON.stringify(serializeInboxItem(row)), id: m.sid });
      // Streamed to the user's client: delivered (a reconnect replaying it changes nothing).
      await markDeliveredMany(deps.db, [row.id], { detail: { source: "inbox_stream" } });
      return;
    }
    if (m.type === "tokens_revoked") {
      // Checked again rather than compared here: a token issued after the revocation still works.
      if (opener && (await opener.tokens.check(opener.userId, opener.token)) !== "valid") {
        await sse.writeSSE({ event: "token_revoked", data: "{}", id: m.sid });
        end();
      } else {
        await sse.writeSSE({ event: "skip", data: "{}", id: m.sid });
      }
      return;
    }
    if (m.type === "unarchived") {
      // The item comes back in its place, which a client that never loaded it cannot know from an id:
      // its copy goes with the event (none for one archived again meanwhile).
      const rows = await Promise.all(m.ids.map((id) => getInboxItem(deps.db, recipientId, id)));
      const items = rows
        .filter((r): r is NotificationRow => r !== null && r.archivedAt === null)
        .map((r) => serializeInboxItem(r));
      await sse.writeSSE({ event: "unarchived", data: JSON.stringify({ ids: m.ids, items }), id: m.sid });
      return;
    }
    const { sid, type, ...rest } = m;
    await sse.writeSSE({ event: type, data: JSON.stringify(rest), id: sid });
  };
  const pump = async () => {
    if (pumping || replaying || sse.aborted) return;
    pumping = true;
    try {
      while (queue.length > 0 && !sse.aborted && !stopping) {
        const batch = queue.splice(0).sort((a, b) => compareStreamIds(a.sid, b.sid));
        for (const m of batch) if (!stopping) await deliver(m);
        // One count refresh per burst, not per event.
        if (queue.length === 0 && !stopping) await sse.writeSSE(await counts());
      }
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message, recipientId }, "inbox stream write failed");
    } finally {
      pumping = false;
    }
    if (queue.length > 0 && !stopping) void pump();
  };
  const replay = async (from: string) => {
    const r = await readInboxEventsAfter(deps.redis, deps.env.QUEUE_PREFIX, recipientId, from);
    if (r.gap) await sse.writeSSE({ event: "resync", data: "{}" });
    queue.push(...r.messages);
  };

  const unsubscribe = await deps.inboxHub.subscribe(recipientId, {
    onShutdown: end,
    onMessage(m) {
      queue.push(m);
      void pump();
    },
    onResync() {
      // Redis came back: catch up on what was published while the subscription was down.
      if (!last) return;
      replay(last).then(
        () => pump(),
        () => {},
      );
    },
  });
  const heartbeat = setInterval(() => {
    sse.write(": keep-alive\n\n").catch(() => {});
  }, deps.env.INBOX_HEARTBEAT_MS);
  // The token's expiry holds for a stream too: it says so and ends, and the browser's reconnect with
  // the same token gets 401. Timers take at most ~24.8 days, tokens live up to 30: re-armed until due.
  let expiry: NodeJS.Timeout | undefined;
  const expiresAt = opener?.expiresAt;
  const armExpiry = () => {
    if (expiresAt === undefined) return;
    const left = expiresAt - Date.now();
    expiry = setTimeout(
      left > MAX_TIMER_MS
        ? armExpiry
        : () => {
            sse
              .writeSSE({ event: "token_expired", data: "{}" })
              .catch(() => {})
              .finally(end);
          },
      Math.max(0, Math.min(left, MAX_TIMER_MS)),
    );
  };
  armExpiry();
  try {
    await sse.writeSSE({ event: "ready", data: "{}", retry: 2000 });
    if (last) {
      await replay(last);
    } else {
      // A fresh client: its position is "now", so a reconnect replays from here.
      last = await latestInboxEventId(deps.redis, deps.env.QUEUE_PREFIX, recipientId);
      await sse.writeSSE({ event: "position", data: "{}", id: last });
    }
    replaying = false;
    if (queue.length > 0) await pump();
    else await sse.writeSSE(await counts());
    await new Promise<void>((resolve) => {
      if (stopping || signal.aborted || sse.aborted) return resolve();
      sse.onAbort(resolve);
      signal.addEventListener("abort", () => resolve(), { once: true });
      shutdown = resolve;
    });
  } finally {
    clearInterval(heartbeat);
    clearTimeout(expiry);
    await unsubscribe();
  }
}

export function registerInboxStream(app: App, deps: ApiDeps, tokens: UserTokens): void {
  // Streams each user holds open here with their tokens: someone with a user's token could otherwise
  // hold sockets and memory without end, since the rate limit counts only openings.
  const open = new Map<string, number>();
  const most = deps.env.INBOX_STREAMS_PER_USER;
  app.openapi(stream, async (c) => {
    const { userId } = c.req.valid("param");
    const fromHeader = c.req.header("last-event-id") ?? c.req.valid("query").lastEventId;
    const lastEventId = fromHeader && isStreamId(fromHeader) ? fromHeader : null;
    const recipient = await ensureRecipient(deps.db, userId);
    // No await between the count's check and its increment, so concurrent openings cannot pass it together.
    const token = c.get("userTokenValue");
    if (token !== undefined && (open.get(userId) ?? 0) >= most) {
      throw new HeraldError(
        "rate_limited",
        `This user already has ${most} inbox streams open on this server (INBOX_STREAMS_PER_USER); close one first.`,
        { retryAfter: 30 },
      );
    }
    const opener: StreamToken | undefined =
      token === undefined ? undefined : { userId, token, expiresAt: c.get("userTokenExpiresAt"), tokens };
    if (opener) open.set(userId, (open.get(userId) ?? 0) + 1);
    const closed = () => {
      if (!opener) return;
      const left = (open.get(userId) ?? 1) - 1;
      if (left > 0) open.set(userId, left);
      else open.delete(userId);
    };
    c.header("X-Accel-Buffering", "no");
    return streamSSE(
      c,
      (sse) => runStream(deps, sse, recipient.id, lastEventId, c.req.raw.signal, opener).finally(closed),
      async (err) => {
        deps.logger.warn({ err: err.message, userId }, "inbox stream ended with an error");
      },
    );
  });
}
