import { useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client.ts";
import type { paths } from "../api/openapi-types.ts";
import { EventSummary } from "../components/event-summary.tsx";
import { Filters, type FilterValues, filtersFrom } from "../components/filters.tsx";
import { NotificationTable } from "../components/notification-table.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { Empty, ErrorState, Loading } from "../components/states.tsx";
import { useLocation, useSearchParamsUpdater } from "../router.tsx";

const FIELDS: (keyof FilterValues)[] = ["userId", "eventId", "type", "channel", "status", "since", "until"];
type Q = NonNullable<paths["/v1/notifications"]["get"]["parameters"]["query"]>;

export function NotificationsPage() {
  const { search } = useLocation();
  const setSearch = useSearchParamsUpdater();
  const filters = filtersFrom(search, FIELDS);
  const q = useInfiniteQuery({
    queryKey: ["notifications", filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/notifications", {
          params: { query: { ...(filters as Q), limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 5000,
  });
  const rows = q.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <>
      <PageHeader title="Notifications" subtitle="Every message Herald created, newest first." live />
      <Filters value={filters} onChange={(f) => setSearch(f as Record<string, string>)} fields={FIELDS} />
      {filters.eventId && <EventSummary eventId={filters.eventId} />}
      <Card className="flush">
        {q.isPending ? (
          <Loading rows={6} />
        ) : q.isError ? (
          <ErrorState error={q.error} onRetry={() => q.refetch()} />
        ) : rows.length === 0 ? (
          <Empty title="No notifications match">
            {Object.keys(filters).length ? "Try fewer filters." : "Trigger an event and it shows up here."}
          </Empty>
        ) : (
          <>
            <NotificationTable
              rows={rows}
              columns={["id", "user", "type", "channel", "status", "provider", "created"]}
            />
            {q.hasNextPage && (
              <div className="pad center">
                <button
                  type="button"
                  className="btn"
                  onClick={() => q.fetchNextPage()}
                  disabled={q.isFetchingNextPage}
                >
                  {q.isFetchingNextPage ? "Loading…" : "Load more"}
                </button>
              </div>
            )}
          </>
        )}
      </Card>
    </>
  );
}
