import { useQueries } from "@tanstack/react-query";
import { api, type Notification, unwrap } from "../api/client.ts";
import { CHANNEL_LABEL, shortId } from "../format.ts";
import { isOnItsWay, refetchEvery } from "../notification-state.ts";
import { Link } from "../router.tsx";
import { Card } from "./page-header.tsx";
import { StatusBadge } from "./status-badge.tsx";

/** Notifications retried from the failures page: the newest few followed one by one. */
export interface Retried {
  ids: string[];
  /** Retried by the same "Retry all" but not followed one by one. */
  more: number;
}

/** How many retried notifications are followed one by one (each is asked for every second while it moves). */
export const FOLLOWED = 10;

export const NONE_RETRIED: Retried = { ids: [], more: 0 };

/** Adds one retried notification in front of the followed ones. */
export const retriedOne = (r: Retried, id: string): Retried => ({
  ids: [id, ...r.ids.filter((x) => x !== id)].slice(0, FOLLOWED),
  more: r.more,
});

/** What "Retry all" queued again: its newest notifications followed, the count of the others. */
export const retriedAll = (ids: string[]): Retried => ({
  ids: ids.slice(0, FOLLOWED),
  more: Math.max(0, ids.length - FOLLOWED),
});

/**
 * Follows the retried notifications until their retries play out (each polled
 * as the notification page polls it). `moving` is true while any is still on
 * its way; `progress` changes whenever one of them moves, so the lists and
 * counters around can refresh then, not on their next tick.
 */
export function useFollowRetried(ids: string[]) {
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: ["notification", id],
      queryFn: () =>
        unwrap(api.GET("/v1/notifications/{notificationId}", { params: { path: { notificationId: id } } })),
      refetchInterval: (q: { state: { data?: Notification } }) => refetchEvery(q.state.data, false),
    })),
  });
  const rows = results.map((r) => r.data);
  return {
    rows,
    moving: rows.some((n) => !n || isOnItsWay(n)),
    progress: rows.map((n) => n?.status ?? "…").join(","),
  };
}

/** "3 sent · 1 dead again · 2 on their way" for the followed notifications. */
function tally(rows: (Notification | undefined)[]): string {
  const by = new Map<string, number>();
  for (const n of rows) {
    const kind = !n || isOnItsWay(n) ? "moving" : n.status === "FAILED" ? "final" : n.status;
    by.set(kind, (by.get(kind) ?? 0) + 1);
  }
  const label = (kind: string, count: number) =>
    kind === "moving"
      ? `on ${count === 1 ? "its" : "their"} way`
      : kind === "DEAD"
        ? "dead again"
        : kind === "final"
          ? "failed for good"
          : kind.toLowerCase();
  return [...by].map(([kind, count]) => `${count} ${label(kind, count)}`).join(" · ");
}

/** The notifications retried from this page, each with its live status. */
export function RetriedCard({ retried, rows }: { retried: Retried; rows: (Notification | undefined)[] }) {
  if (retried.ids.length === 0) return null;
  return (
    <Card
      title="Retried just now"
      className="retried"
      actions={
        <span className="muted small" data-retried-tally>
          {tally(rows)}
          {retried.more > 0 &&
            ` · newest ${retried.ids.length} shown, ${retried.more} more retried with them`}
        </span>
      }
    >
      <ul className="retried-list">
        {retried.ids.map((id, i) => {
          const n = rows[i];
          return (
            <li key={id} data-retried-id={id}>
              <Link href={`/notifications/${id}`} className="mono">
                {shortId(id)}
              </Link>
              <span className="muted">
                {n ? `${n.type} · ${CHANNEL_LABEL[n.channel]} · ${n.userId}` : "…"}
              </span>
              {n ? <StatusBadge status={n.status} /> : <span className="muted">loading</span>}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
