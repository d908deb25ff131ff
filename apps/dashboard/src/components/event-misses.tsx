import { api, unwrap } from "../api/client.ts";
import { usePagedList } from "../paged-list.ts";
import { Link } from "../router.tsx";
import { SuppressedList } from "./event-summary.tsx";
import { PagedView } from "./paged-view.tsx";

/**
 * The subscribers a topic event reached with nothing, each with why: the
 * fan-out only counts them on the event, and support is asked about one of
 * them by name ("why did I not get the announcement?").
 */
export function EventMisses({ eventId }: { eventId: string }) {
  const list = usePagedList({
    queryKey: ["event-misses", eventId],
    page: async (cursor) => {
      const page = await unwrap(
        api.GET("/v1/events/{eventId}/misses", {
          params: { path: { eventId }, query: { limit: 20, ...(cursor ? { cursor } : {}) } },
        }),
      );
      // The list keys its rows by id: a user id is one here.
      return { ...page, data: page.data.map((m) => ({ id: m.userId, ...m })) };
    },
  });
  return (
    <div className="event-misses">
      <strong>Subscribers who got nothing</strong>
      <PagedView list={list} rows={2} empty={<p className="muted">None: every subscriber got something.</p>}>
        {(misses) => (
          <ul className="unsent-list">
            {misses.map((m) => (
              <li key={m.userId} data-missed-user={m.userId}>
                <Link href={`/users/${encodeURIComponent(m.userId)}`}>{m.userId}</Link>
                <SuppressedList suppressed={m.suppressed} />
              </li>
            ))}
          </ul>
        )}
      </PagedView>
    </div>
  );
}
