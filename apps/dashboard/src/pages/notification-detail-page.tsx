import { isFailedForGood } from "@herald/domain";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ApiError, api, type NotificationDetail, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { ContentPreview } from "../components/content-preview.tsx";
import { JobLink } from "../components/job-link.tsx";
import { attempts } from "../components/notification-table.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { QueryView } from "../components/states.tsx";
import { Badge, StatusBadge } from "../components/status-badge.tsx";
import { useToast } from "../components/toast.tsx";
import { ago, CHANNEL_LABEL, when } from "../format.ts";
import { isSettled, refetchEvery } from "../notification-state.ts";
import { pinnedText } from "../pinned-text.ts";
import { Link } from "../router.tsx";

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Facts({ n }: { n: NotificationDetail }) {
  return (
    <dl className="facts">
      <Fact label="User">
        <Link href={`/users/${encodeURIComponent(n.userId)}`}>{n.userId}</Link>
      </Fact>
      <Fact label="Type">
        <span className="mono">{n.type}</span>
      </Fact>
      <Fact label="Channel">{CHANNEL_LABEL[n.channel] ?? n.channel}</Fact>
      <Fact label="Category">{n.category}</Fact>
      <Fact label="Priority">{n.priority}</Fact>
      <Fact label="Provider">{n.provider ?? "—"}</Fact>
      <Fact label="Provider id">
        {n.providerMessageId ? <span className="mono small break">{n.providerMessageId}</span> : "—"}
      </Fact>
      <Fact label="Attempts">{String(attempts(n))}</Fact>
      <Fact label="Event">
        <Link href={`/notifications?eventId=${n.eventId}`} className="mono small break">
          {n.eventId}
        </Link>
      </Fact>
      <Fact label="Created">{when(n.createdAt)}</Fact>
      {n.status === "SCHEDULED" && n.scheduledAt && (
        <Fact label="Scheduled for">
          <span data-scheduled-at={n.scheduledAt}>
            {when(n.scheduledAt)} <span className="muted">· {ago(n.scheduledAt)}</span>
          </span>
        </Fact>
      )}
      <Fact label="Sent">{when(n.sentAt)}</Fact>
    </dl>
  );
}

function Timeline({ n }: { n: NotificationDetail }) {
  return (
    <ol className="timeline">
      {n.timeline.map((t, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the timeline is append-only
        <li key={i} className={`tl-${t.status}`}>
          <StatusBadge status={t.status} />
          <div className="tl-body">
            <div className="tl-time" title={t.at}>
              {when(t.at)} <span className="muted">· {ago(t.at)}</span>
            </div>
            {t.detail && Object.keys(t.detail).length > 0 && (
              <div className="tl-detail">
                {Object.entries(t.detail).map(([k, v]) => (
                  <span key={k} className="kv">
                    <span className="muted">{k}</span> {typeof v === "object" ? JSON.stringify(v) : String(v)}
                  </span>
                ))}
              </div>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

export function NotificationDetailPage({ id }: { id: string }) {
  const { isAdmin } = useAuth();
  const toast = useToast();
  const client = useQueryClient();
  const q = useQuery({
    queryKey: ["notification", id],
    queryFn: () =>
      unwrap(api.GET("/v1/notifications/{notificationId}", { params: { path: { notificationId: id } } })),
    // Follow a notification that is still moving; stop once it is done or not there.
    refetchInterval: (query) =>
      refetchEvery(
        query.state.data,
        query.state.error instanceof ApiError && query.state.error.status === 404,
      ),
  });
  const retry = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/v1/dead-letters/{notificationId}/retry", { params: { path: { notificationId: id } } }),
      ),
    onSuccess: () => {
      toast("ok", "Queued again");
      client.invalidateQueries({ queryKey: ["notification", id] });
    },
    onError: (e) => toast("bad", e.message),
  });
  const cancel = useMutation({
    mutationFn: () =>
      unwrap(api.DELETE("/v1/notifications/{notificationId}", { params: { path: { notificationId: id } } })),
    onSuccess: () => {
      toast("ok", "Canceled");
      client.invalidateQueries({ queryKey: ["notification", id] });
    },
    onError: (e) => toast("bad", e.message),
  });
  const n = q.data;
  return (
    <>
      <p className="crumbs">
        <Link href="/notifications">Notifications</Link> / <span className="mono">{id}</span>
      </p>
      <PageHeader
        title={n ? `${n.type} · ${CHANNEL_LABEL[n.channel]}` : "Notification"}
        subtitle={
          n ? (
            <>
              <StatusBadge status={n.status} />{" "}
              {isFailedForGood(n) && <Badge tone="bad">failed permanently · not retried</Badge>}
            </>
          ) : undefined
        }
        live={n ? !isSettled(n) : false}
        actions={
          n &&
          isAdmin && (
            <>
              {/* As on the Failures page: a dead letter, or a failure the provider called permanent
                  (once the address is fixed). */}
              {(n.status === "DEAD" || isFailedForGood(n)) && (
                <button
                  type="button"
                  className="btn btn-primary"
                  onClick={() => retry.mutate()}
                  disabled={retry.isPending}
                >
                  Retry
                </button>
              )}
              {(n.status === "SCHEDULED" || n.status === "QUEUED") && (
                <button
                  type="button"
                  className="btn"
                  onClick={() => {
                    if (window.confirm(`Cancel ${n.id}? It will not be sent.`)) cancel.mutate();
                  }}
                  disabled={cancel.isPending}
                >
                  Cancel
                </button>
              )}
              <JobLink
                notificationId={n.id}
                className="btn btn-ghost"
                label="Job in Bull Board ↗"
                batchLabel="Batch job in Bull Board ↗"
              />
            </>
          )
        }
      />
      <QueryView query={q} rows={8}>
        {(n) => (
          <div className="detail-grid">
            <div className="detail-main">
              {n.lastError && (
                <div className="callout callout-bad">
                  <strong>Last error</strong>
                  <span>{n.lastError}</span>
                </div>
              )}
              {n.reason && (
                <div className="callout">
                  <strong>Reason</strong>
                  <span>{n.reason.replaceAll("_", " ")}</span>
                </div>
              )}
              {pinnedText(n) && (
                <div className="callout" data-pinned-provider={n.pinnedProvider}>
                  <strong>One provider</strong>
                  <span>{pinnedText(n)}</span>
                </div>
              )}
              <Card title="Content">
                <ContentPreview content={n.content} channel={n.channel} />
              </Card>
            </div>
            <div className="detail-side">
              <Card title="Details">
                <Facts n={n} />
              </Card>
              <Card title="Timeline">
                <Timeline n={n} />
              </Card>
            </div>
          </div>
        )}
      </QueryView>
    </>
  );
}
