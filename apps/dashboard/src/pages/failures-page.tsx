import { isFailedForGood } from "@herald/domain";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { api, type Notification, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { Filters, type FilterValues, filtersFrom } from "../components/filters.tsx";
import { JobLink } from "../components/job-link.tsx";
import { NotificationTable } from "../components/notification-table.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { PagedView } from "../components/paged-view.tsx";
import {
  NONE_RETRIED,
  type Retried,
  RetriedCard,
  retriedAll,
  retriedOne,
  useFollowRetried,
} from "../components/retried-card.tsx";
import { Empty } from "../components/states.tsx";
import { useToast } from "../components/toast.tsx";
import { shortId } from "../format.ts";
import { usePagedList } from "../paged-list.ts";
import { useLocation, useSearchParamsUpdater } from "../router.tsx";

const FIELDS: (keyof FilterValues)[] = ["userId", "type", "channel", "since", "until"];
type Channel = "email" | "sms" | "push" | "in_app";

const TABS = ["dead", "failing", "permanent"] as const;
const TAB_LABEL = { dead: "Dead", failing: "Retrying", permanent: "Failed permanently" };
const EMPTY: Record<(typeof TABS)[number], [string, string]> = {
  dead: ["No dead letters", "Every notification was delivered or is still on its way."],
  failing: ["Nothing is retrying", "Failed attempts waiting for their next retry show up here."],
  permanent: [
    "No permanent failures",
    "Notifications a provider refused for good (bad number, device gone) show up here; they are not retried by themselves: fix the address, then Retry.",
  ],
};

/** Rows per page; "Load more" asks for the next ones. */
const PAGE = 50;

const query = (f: FilterValues) => ({
  ...(f.userId ? { userId: f.userId } : {}),
  ...(f.type ? { type: f.type } : {}),
  ...(f.channel ? { channel: f.channel as Channel } : {}),
  ...(f.since ? { since: f.since } : {}),
  ...(f.until ? { until: f.until } : {}),
});

export function FailuresPage() {
  const { isAdmin } = useAuth();
  const { search } = useLocation();
  const setSearch = useSearchParamsUpdater();
  const tab = TABS.find((t) => t === search.get("tab")) ?? "dead";
  const filters = filtersFrom(search, FIELDS);
  const toast = useToast();
  const client = useQueryClient();
  const [retried, setRetried] = useState<Retried>(NONE_RETRIED);
  const follow = useFollowRetried(retried.ids);
  // While retries play out, the lists are asked every second instead of every five.
  const every = follow.moving ? 1000 : 5000;

  const dead = usePagedList({
    queryKey: ["dead-letters", filters],
    page: (cursor) =>
      unwrap(
        api.GET("/v1/dead-letters", {
          params: { query: { ...query(filters), limit: PAGE, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    refetchInterval: every,
    enabled: tab === "dead",
  });
  // FAILED rows, split by the API (not here: a page filtered afterwards could come out empty).
  const failing = usePagedList({
    queryKey: ["failures", tab, filters],
    page: (cursor) =>
      unwrap(
        api.GET("/v1/notifications", {
          params: {
            query: {
              ...query(filters),
              status: "FAILED",
              failedForGood: tab === "permanent" ? "true" : "false",
              limit: PAGE,
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    refetchInterval: every,
    enabled: tab !== "dead",
  });
  const refresh = useCallback(() => {
    client.invalidateQueries({ queryKey: ["dead-letters"] });
    client.invalidateQueries({ queryKey: ["failures"] });
    client.invalidateQueries({ queryKey: ["dead-count"] });
  }, [client]);
  // A followed retry moved (sent, dead again…): the lists and the sidebar's count follow at once.
  useEffect(() => {
    if (follow.progress) refresh();
  }, [follow.progress, refresh]);
  const retry = useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.POST("/v1/dead-letters/{notificationId}/retry", { params: { path: { notificationId: id } } }),
      ),
    onSuccess: (n) => {
      setRetried((r) => retriedOne(r, n.id));
      toast("ok", `Retrying ${shortId(n.id)}`);
      refresh();
    },
    onError: (e) => toast("bad", e.message),
  });
  const discard = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/v1/dead-letters/{notificationId}", { params: { path: { notificationId: id } } })),
    onSuccess: (n) => {
      toast("ok", `Discarded ${shortId(n.id)}`);
      refresh();
    },
    onError: (e) => toast("bad", e.message),
  });
  const retryAll = useMutation({
    mutationFn: () =>
      unwrap(api.POST("/v1/dead-letters/retry", { body: { ...query(filters), limit: 1000 } })),
    onSuccess: (r) => {
      toast("ok", `${r.retried} queued again${r.more ? "; more match, run it again" : ""}`);
      setRetried(retriedAll(r.ids));
      refresh();
    },
    onError: (e) => toast("bad", e.message),
  });

  const active = tab === "dead" ? dead : failing;
  const count = dead.rows.length;
  // A dead letter, or a permanent failure once its address is fixed, can be retried or discarded.
  const actions = (n: Notification) =>
    n.status !== "DEAD" && !isFailedForGood(n) ? (
      isAdmin ? (
        <JobLink
          notificationId={n.id}
          className="btn btn-sm btn-ghost"
          label="Job ↗"
          batchLabel="Batch job ↗"
        />
      ) : null
    ) : isAdmin ? (
      <div className="row-actions">
        <button
          type="button"
          className="btn btn-sm btn-primary"
          onClick={() => retry.mutate(n.id)}
          disabled={retry.isPending && retry.variables === n.id}
        >
          Retry
        </button>
        <button
          type="button"
          className="btn btn-sm btn-ghost"
          onClick={() => {
            if (window.confirm(`Discard ${n.id}? It will not be sent.`)) discard.mutate(n.id);
          }}
        >
          Discard
        </button>
        <JobLink
          notificationId={n.id}
          className="btn btn-sm btn-ghost"
          label="Job ↗"
          batchLabel="Batch job ↗"
        />
      </div>
    ) : (
      <span className="muted small">admin only</span>
    );

  return (
    <>
      <PageHeader
        title="Failures"
        subtitle="Dead letters (retries used up), notifications still retrying, and those the provider refused for good."
        live
        actions={
          isAdmin && tab === "dead" && count > 0 ? (
            <button
              type="button"
              className="btn"
              disabled={retryAll.isPending}
              onClick={() => {
                if (window.confirm("Retry every dead notification matching the filters?")) retryAll.mutate();
              }}
            >
              Retry all matching
            </button>
          ) : undefined
        }
      />
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={tab === t ? "tab active" : "tab"}
            onClick={() => setSearch({ ...filters, tab: t === "dead" ? undefined : t })}
          >
            {TAB_LABEL[t]}
          </button>
        ))}
      </div>
      {!isAdmin && (
        <p className="notice">
          Retrying and discarding are for admins. You can look, and open a notification.
        </p>
      )}
      <Filters
        value={filters}
        onChange={(f) => setSearch({ ...f, tab: tab === "dead" ? undefined : tab })}
        fields={FIELDS}
      />
      <RetriedCard retried={retried} rows={follow.rows} />
      <Card className="flush">
        <PagedView list={active} empty={<Empty title={EMPTY[tab][0]}>{EMPTY[tab][1]}</Empty>}>
          {(rows) => (
            <NotificationTable
              rows={rows}
              columns={["id", "user", "what", "attempts", "error", "created"]}
              actions={actions}
            />
          )}
        </PagedView>
      </Card>
    </>
  );
}
