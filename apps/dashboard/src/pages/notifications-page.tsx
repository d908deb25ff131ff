import { api, unwrap } from "../api/client.ts";
import type { paths } from "../api/openapi-types.ts";
import { EventSummary } from "../components/event-summary.tsx";
import { Filters, type FilterValues, filtersFrom } from "../components/filters.tsx";
import { NotificationTable } from "../components/notification-table.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { PagedView } from "../components/paged-view.tsx";
import { Empty } from "../components/states.tsx";
import { usePagedList } from "../paged-list.ts";
import { useLocation, useSearchParamsUpdater } from "../router.tsx";

const FIELDS: (keyof FilterValues)[] = ["userId", "eventId", "type", "channel", "status", "since", "until"];
type Q = NonNullable<paths["/v1/notifications"]["get"]["parameters"]["query"]>;

export function NotificationsPage() {
  const { search } = useLocation();
  const setSearch = useSearchParamsUpdater();
  const filters = filtersFrom(search, FIELDS);
  const list = usePagedList({
    queryKey: ["notifications", filters],
    page: (cursor) =>
      unwrap(
        api.GET("/v1/notifications", {
          params: { query: { ...(filters as Q), limit: 50, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    refetchInterval: 5000,
  });
  return (
    <>
      <PageHeader title="Notifications" subtitle="Every message Herald created, newest first." live />
      <Filters value={filters} onChange={(f) => setSearch(f as Record<string, string>)} fields={FIELDS} />
      {filters.eventId && <EventSummary eventId={filters.eventId} />}
      <Card className="flush">
        <PagedView
          list={list}
          rows={6}
          empty={
            <Empty title="No notifications match">
              {Object.keys(filters).length ? "Try fewer filters." : "Trigger an event and it shows up here."}
            </Empty>
          }
        >
          {(rows) => (
            <NotificationTable
              rows={rows}
              columns={["id", "user", "type", "channel", "status", "provider", "created"]}
            />
          )}
        </PagedView>
      </Card>
    </>
  );
}
