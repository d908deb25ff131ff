import { useQuery } from "@tanstack/react-query";
import { ApiError, api, unwrap } from "../api/client.ts";
import { UserAuditCard } from "../components/audit-card.tsx";
import { ContactCard } from "../components/contact-card.tsx";
import { DevicesCard } from "../components/devices-card.tsx";
import { useTemplates } from "../components/filters.tsx";
import { InboxTokens } from "../components/inbox-tokens.tsx";
import { NotificationTable } from "../components/notification-table.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { SchedulesCard } from "../components/schedules-card.tsx";
import { Empty, QueryView } from "../components/states.tsx";
import { SuppressionsCard } from "../components/suppressions-card.tsx";
import { TopicsCard } from "../components/topics-card.tsx";
import { UnsentEvents } from "../components/unsent-events.tsx";
import { Link } from "../router.tsx";
import { PreferencesEditor } from "./preferences-editor.tsx";

export function UserDetailPage({ userId }: { userId: string }) {
  const path = { params: { path: { userId } } };
  const user = useQuery({
    queryKey: ["user", userId],
    queryFn: () => unwrap(api.GET("/v1/users/{userId}", path)),
  });
  const prefs = useQuery({
    queryKey: ["preferences", userId],
    queryFn: () => unwrap(api.GET("/v1/users/{userId}/preferences", path)),
  });
  const catalog = useTemplates();
  const recent = useQuery({
    queryKey: ["notifications", { userId, recent: true }],
    queryFn: () => unwrap(api.GET("/v1/notifications", { params: { query: { userId, limit: 10 } } })),
    refetchInterval: 5000,
  });
  if (user.error instanceof ApiError && user.error.status === 404) {
    return (
      <>
        <p className="crumbs">
          <Link href="/users">Users</Link> / {userId}
        </p>
        <PageHeader title={userId} />
        <Card>
          <Empty title={`No user “${userId}”`}>
            Herald knows a user once an event or <span className="mono">PUT /v1/users/{userId}</span> names
            them, or they were erased. <Link href="/users">Search users</Link>
          </Empty>
        </Card>
      </>
    );
  }
  return (
    <>
      <p className="crumbs">
        <Link href="/users">Users</Link> / {userId}
      </p>
      <PageHeader
        title={userId}
        subtitle={user.data ? `Herald id ${user.data.id}` : undefined}
        actions={user.data && <ExportLink userId={userId} />}
      />
      <div className="detail-grid side-first-sm">
        <div className="detail-main">
          <Card title="Preferences">
            {/* The editor starts from the user's time zone and the catalog, so it waits for all three. */}
            <QueryView query={user} rows={6}>
              {(u) => (
                <QueryView query={prefs} rows={6}>
                  {(p) => (
                    // Per-type switches name only the channels each type has: from the catalog.
                    <QueryView query={catalog} rows={6}>
                      {(c) => (
                        <PreferencesEditor userId={userId} prefs={p} userZone={u.timezone} catalog={c.data} />
                      )}
                    </QueryView>
                  )}
                </QueryView>
              )}
            </QueryView>
          </Card>
          <Card
            title="Recent notifications"
            className="flush"
            actions={
              <Link href={`/notifications?userId=${encodeURIComponent(userId)}`} className="small">
                All →
              </Link>
            }
          >
            <QueryView
              query={recent}
              isEmpty={(d) => d.data.length === 0}
              empty={<Empty title="Nothing sent to this user yet" />}
            >
              {(d) => (
                <NotificationTable rows={d.data} columns={["id", "type", "channel", "status", "created"]} />
              )}
            </QueryView>
          </Card>
          <UnsentEvents userId={userId} />
          <UserAuditCard userId={userId} />
        </div>
        <div className="detail-side">
          <ContactCard userId={userId} user={user} />
          <SuppressionsCard userId={userId} user={user} />
          <Card title="Inbox tokens">
            <QueryView query={user} rows={2}>
              {(u) => <InboxTokens userId={userId} revokedAt={u.tokensRevokedAt} />}
            </QueryView>
          </Card>
          <DevicesCard userId={userId} user={user} />
          <TopicsCard userId={userId} />
          <SchedulesCard userId={userId} />
        </div>
      </div>
    </>
  );
}

/**
 * A plain link, so the browser streams the file to disk with the session
 * cookie (a GET needs no CSRF token) however large the user's history; the
 * API names the file and records the export in the audit log.
 */
function ExportLink({ userId }: { userId: string }) {
  return (
    <a
      className="btn"
      href={`/v1/users/${encodeURIComponent(userId)}/export`}
      download
      data-testid="export-user"
      title="Download everything Herald holds about this user as JSON (a GDPR access request). Recorded in the audit log."
    >
      Export data
    </a>
  );
}
