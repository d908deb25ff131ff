import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { when } from "../format.ts";
import { usePagedList } from "../paged-list.ts";
import { Link } from "../router.tsx";
import { Card } from "./page-header.tsx";
import { PagedView } from "./paged-view.tsx";
import { useToast } from "./toast.tsx";

/**
 * The topics the user is subscribed to (`GET /v1/users/{userId}/topics`,
 * newest first), each with a "Remove" for roles with `users:write`
 * (`DELETE /v1/topics/{key}/subscribers`), after a confirmation: events sent
 * to the topic stop reaching the user, and only the app can subscribe them
 * again.
 */
export function TopicsCard({ userId }: { userId: string }) {
  const { canEditUsers } = useAuth();
  const client = useQueryClient();
  const toast = useToast();
  const queryKey = ["user-topics", userId];
  const list = usePagedList({
    queryKey,
    page: async (cursor) => {
      const page = await unwrap(
        api.GET("/v1/users/{userId}/topics", {
          params: { path: { userId }, query: { limit: 20, ...(cursor ? { cursor } : {}) } },
        }),
      );
      // A topic is on a user's list once: its key is the row's identity.
      return { ...page, data: page.data.map((t) => ({ ...t, id: t.topic })) };
    },
  });
  const leave = useMutation({
    mutationFn: (topic: string) =>
      unwrap(
        api.DELETE("/v1/topics/{key}/subscribers", {
          params: { path: { key: topic } },
          body: { userIds: [userId] },
        }),
      ),
    onSuccess: ({ removed }, topic) =>
      toast("ok", removed > 0 ? `Removed from ${topic}` : `${userId} was no longer on ${topic}`),
    onError: (e) => toast("bad", e.message),
    // Also after a failure: a 404 means the topic is gone.
    onSettled: () => client.invalidateQueries({ queryKey }),
  });
  const confirmLeave = (topic: string) => {
    const ask = `Remove ${userId} from the topic ${topic}? Events sent to it stop reaching them; only your app can subscribe them again.`;
    if (window.confirm(ask)) leave.mutate(topic);
  };
  return (
    <Card title="Topics">
      <PagedView list={list} rows={2} empty={<p className="muted">Not subscribed to any topic.</p>}>
        {(topics) => (
          <ul className="topic-list">
            {topics.map((t) => (
              <li key={t.topic} data-topic={t.topic}>
                <div className="item-main">
                  <Link href={`/topics/${encodeURIComponent(t.topic)}`} className="mono topic-key">
                    {t.topic}
                  </Link>
                  <span className="muted small">since {when(t.subscribedAt)}</span>
                </div>
                {canEditUsers && (
                  <button
                    type="button"
                    className="btn btn-sm"
                    aria-label={`Remove from topic ${t.topic}`}
                    disabled={leave.isPending && leave.variables === t.topic}
                    onClick={() => confirmLeave(t.topic)}
                  >
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </PagedView>
    </Card>
  );
}
