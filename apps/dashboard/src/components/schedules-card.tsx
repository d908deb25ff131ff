import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, type Schemas, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { when } from "../format.ts";
import { usePagedList } from "../paged-list.ts";
import { Card } from "./page-header.tsx";
import { PagedView } from "./paged-view.tsx";
import { deleteScheduleQuestion, repeatText } from "./schedule-text.ts";
import { useToast } from "./toast.tsx";

type Schedule = Schemas["Schedule"];

/**
 * The user's recurring schedules (`GET /v1/schedules?userId=`, newest
 * first): type, rule in words, next run, paused. Pause, Resume and Delete
 * need `events:write`, which only the admin role has (support reads).
 */
export function SchedulesCard({ userId }: { userId: string }) {
  const { isAdmin } = useAuth();
  const client = useQueryClient();
  const toast = useToast();
  const queryKey = ["user-schedules", userId];
  const list = usePagedList({
    queryKey,
    page: (cursor) =>
      unwrap(
        api.GET("/v1/schedules", { params: { query: { userId, limit: 20, ...(cursor ? { cursor } : {}) } } }),
      ),
  });
  const settle = () => client.invalidateQueries({ queryKey });
  const pause = useMutation({
    mutationFn: (s: Schedule) =>
      unwrap(
        api.PATCH("/v1/schedules/{scheduleId}", {
          params: { path: { scheduleId: s.id } },
          body: { paused: !s.paused },
        }),
      ),
    onSuccess: (s) => toast("ok", s.paused ? "Schedule paused" : "Schedule resumed"),
    onError: (e) => toast("bad", e.message),
    onSettled: settle,
  });
  const remove = useMutation({
    mutationFn: (s: Schedule) =>
      unwrap(api.DELETE("/v1/schedules/{scheduleId}", { params: { path: { scheduleId: s.id } } })),
    onSuccess: () => toast("ok", "Schedule deleted"),
    onError: (e) => toast("bad", e.message),
    // Also after a failure: a 404 means it was deleted elsewhere meanwhile.
    onSettled: settle,
  });
  const busy = (s: Schedule) =>
    (pause.isPending && pause.variables?.id === s.id) || (remove.isPending && remove.variables?.id === s.id);
  return (
    <Card title="Schedules">
      <PagedView list={list} rows={2} empty={<p className="muted">No recurring schedules.</p>}>
        {(schedules) => (
          <ul className="schedule-list">
            {schedules.map((s) => (
              <li key={s.id} data-schedule-id={s.id}>
                <div className="item-main">
                  <span className="mono">{s.type}</span>
                  <span className="small">{repeatText(s.repeat)}</span>
                  <span className="muted small">
                    {s.paused ? "paused" : s.nextRunAt ? `next ${when(s.nextRunAt)}` : "finished"} · {s.runs}{" "}
                    runs
                  </span>
                </div>
                {isAdmin && (
                  <span className="item-actions">
                    {s.nextRunAt && (
                      <button
                        type="button"
                        className="btn btn-sm"
                        aria-label={`${s.paused ? "Resume" : "Pause"} schedule ${s.id}`}
                        disabled={busy(s)}
                        onClick={() => pause.mutate(s)}
                      >
                        {s.paused ? "Resume" : "Pause"}
                      </button>
                    )}
                    <button
                      type="button"
                      className="btn btn-sm"
                      aria-label={`Delete schedule ${s.id}`}
                      disabled={busy(s)}
                      onClick={() =>
                        window.confirm(deleteScheduleQuestion(s.type, userId)) && remove.mutate(s)
                      }
                    >
                      Delete
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </PagedView>
    </Card>
  );
}
