import { api, unwrap } from "../api/client.ts";
import { eventOutcome } from "../event-outcome.ts";
import { ago } from "../format.ts";
import { usePagedList } from "../paged-list.ts";
import { Link } from "../router.tsx";
import { SuppressedList } from "./event-summary.tsx";
import { Card } from "./page-header.tsx";
import { PagedView } from "./paged-view.tsx";

/** The event's page; for a topic event, its notifications for this user (none) under its outcome. */
const eventLink = (eventId: string, userId?: string) =>
  `/notifications?eventId=${encodeURIComponent(eventId)}${userId ? `&userId=${encodeURIComponent(userId)}` : ""}`;

/**
 * A user's events that made no notification at all: every channel skipped
 * (opted out, no address…) or routing failed, and the topic events whose
 * fan-out skipped them on every channel. They leave no notification
 * row, so "Recent notifications" cannot show them, and they answer support's
 * "why did this user get nothing?". Each with why, as on the event's page.
 */
export function UnsentEvents({ userId }: { userId: string }) {
  const list = usePagedList({
    queryKey: ["user-events", userId, { sentNothing: true }],
    page: (cursor) =>
      unwrap(
        api.GET("/v1/users/{userId}/events", {
          params: {
            path: { userId },
            query: { sentNothing: "true", limit: 10, ...(cursor ? { cursor } : {}) },
          },
        }),
      ),
    refetchInterval: 5000,
  });
  return (
    <Card title="Events that sent nothing" className="unsent-events">
      <PagedView
        list={list}
        rows={2}
        empty={<p className="muted">None: every event for this user made at least one notification.</p>}
      >
        {(events) => (
          <ul className="unsent-list">
            {events.map((e) => {
              const outcome = eventOutcome(e);
              return (
                <li key={e.id} data-event-id={e.id}>
                  <div className="unsent-head">
                    <span className="mono">{e.type}</span>
                    {e.topic && <span className="muted small">to topic {e.topic}</span>}
                    <span className="muted small" title={e.createdAt}>
                      {ago(e.createdAt)}
                    </span>
                    <Link href={eventLink(e.id, e.topic ? userId : undefined)} className="small">
                      See the event →
                    </Link>
                  </div>
                  <p className="unsent-why">
                    {e.status === "failed" || e.status === "canceled" ? outcome.text : `${outcome.headline}.`}
                  </p>
                  <SuppressedList suppressed={e.suppressed} />
                </li>
              );
            })}
          </ul>
        )}
      </PagedView>
    </Card>
  );
}
