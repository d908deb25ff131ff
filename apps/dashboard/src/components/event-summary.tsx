import { useQuery } from "@tanstack/react-query";
import { ApiError, api, unwrap } from "../api/client.ts";
import { eventOutcome, type SuppressedChannel, suppressedText } from "../event-outcome.ts";
import { Link } from "../router.tsx";
import { EventMisses } from "./event-misses.tsx";
import { RouteAgainButton } from "./route-again-button.tsx";

/**
 * An event's outcome above its notifications: the channels it did not send
 * on and why (opted out, no address…) are only on the event, and they are
 * the answer to "why did the user get nothing?".
 */
export function EventSummary({ eventId }: { eventId: string }) {
  const q = useQuery({
    queryKey: ["event", eventId],
    queryFn: () => unwrap(api.GET("/v1/events/{eventId}", { params: { path: { eventId } } })),
    refetchInterval: (query) => (query.state.data?.status === "accepted" ? 1000 : false),
    retry: false,
  });
  if (q.error instanceof ApiError && q.error.status === 404) {
    // Otherwise the list below only says "No notifications match", as if the event had sent nothing.
    return (
      <div className="callout callout-bad" data-event-missing={eventId}>
        <strong>
          No event <span className="mono">{eventId}</span>
        </strong>
        <span>Check the id: it may be mistyped, or the event was removed by retention.</span>
      </div>
    );
  }
  if (!q.data) return null;
  const e = q.data;
  const outcome = eventOutcome(e);
  return (
    <div className={`callout ${outcome.tone === "bad" ? "callout-bad" : ""}`} data-event-outcome={e.id}>
      <strong>
        Event <span className="mono">{e.type}</span>
        {e.userId && (
          <>
            {" "}
            for <Link href={`/users/${encodeURIComponent(e.userId)}`}>{e.userId}</Link>
          </>
        )}
        {e.topic && <> to topic {e.topic}</>}
      </strong>
      <span>{e.status === "failed" || e.status === "canceled" ? outcome.text : `${outcome.headline}.`}</span>
      {e.status === "failed" && <RouteAgainButton eventId={e.id} />}
      <SuppressedList suppressed={e.suppressed} />
      {e.topic && e.status !== "accepted" && <EventMisses eventId={e.id} />}
    </div>
  );
}

/** The channels an event did not send on, each with why; nothing when it sent on every one. */
export function SuppressedList({ suppressed }: { suppressed: readonly SuppressedChannel[] }) {
  if (suppressed.length === 0) return null;
  return (
    <ul className="suppressed-list" aria-label="Not sent on">
      {suppressed.map((s) => (
        <li key={s.channel} data-suppressed={s.channel}>
          Not sent on {suppressedText(s)}
        </li>
      ))}
    </ul>
  );
}
