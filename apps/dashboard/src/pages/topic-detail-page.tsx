import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { ListRow } from "../components/list-row.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { PagedView } from "../components/paged-view.tsx";
import { Empty } from "../components/states.tsx";
import { useToast } from "../components/toast.tsx";
import { deleteTopicQuestion, subscribersText } from "../components/topic-text.ts";
import { when } from "../format.ts";
import { usePagedList } from "../paged-list.ts";
import { Link, navigate } from "../router.tsx";

/** Subscribers per page of the list. */
const PAGE = 50;

function Crumbs({ topicKey }: { topicKey: string }) {
  return (
    <p className="crumbs">
      <Link href="/topics">Topics</Link> / {topicKey}
    </p>
  );
}

/**
 * A topic (`GET /v1/topics/{key}`) and its subscribers, each a link to their
 * user page. Roles with `users:write` delete it (`DELETE /v1/topics/{key}`)
 * after a confirmation, then land on the list of topics.
 */
export function TopicDetailPage({ topicKey }: { topicKey: string }) {
  const { canEditUsers } = useAuth();
  const client = useQueryClient();
  const toast = useToast();
  const path = { params: { path: { key: topicKey } } };
  const topic = useQuery({
    queryKey: ["topic", topicKey],
    queryFn: () => unwrap(api.GET("/v1/topics/{key}", path)),
  });
  const subscribers = usePagedList({
    queryKey: ["topic-subscribers", topicKey],
    page: async (cursor) => {
      const page = await unwrap(
        api.GET("/v1/topics/{key}/subscribers", {
          params: { path: { key: topicKey }, query: { limit: PAGE, ...(cursor ? { cursor } : {}) } },
        }),
      );
      // A user is on a topic once: their id is the row's identity.
      return { ...page, data: page.data.map((s) => ({ ...s, id: s.userId })) };
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/v1/topics/{key}", path)),
    onSuccess: () => {
      toast("ok", `Topic ${topicKey} deleted`);
      // Dropped rather than refreshed: the list it goes back to would show the topic until the refresh.
      client.removeQueries({ queryKey: ["topics"] });
      navigate("/topics");
    },
    onError: (e) => toast("bad", e.message),
    // Also after a failure: a 404 means someone else deleted it.
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ["topics"] });
      void client.invalidateQueries({ queryKey: ["user-topics"] });
    },
  });
  const confirmDelete = () => {
    if (window.confirm(deleteTopicQuestion(topicKey, topic.data?.subscriberCount ?? 0))) remove.mutate();
  };

  if (topic.error instanceof ApiError && topic.error.status === 404) {
    return (
      <>
        <Crumbs topicKey={topicKey} />
        <PageHeader title={topicKey} />
        <Card>
          <Empty title={`No topic “${topicKey}”`}>
            It was deleted, or no user was ever subscribed to it. <Link href="/topics">All topics</Link>
          </Empty>
        </Card>
      </>
    );
  }
  return (
    <>
      <Crumbs topicKey={topicKey} />
      <PageHeader
        title={topicKey}
        subtitle={
          topic.data
            ? `${subscribersText(topic.data.subscriberCount)} · created ${when(topic.data.createdAt)}`
            : undefined
        }
        actions={
          canEditUsers && topic.data ? (
            <button
              type="button"
              className="btn btn-danger"
              disabled={remove.isPending}
              onClick={confirmDelete}
            >
              {remove.isPending ? "Deleting…" : "Delete topic"}
            </button>
          ) : undefined
        }
      />
      <Card title="Subscribers" className="flush">
        <PagedView
          list={subscribers}
          empty={
            <Empty title="No subscribers">
              Everyone left this topic. Events sent to it reach no one until your app subscribes users again.
            </Empty>
          }
        >
          {(rows) => (
            <ul className="user-list">
              {rows.map((s) => (
                <li key={s.userId} data-subscriber={s.userId}>
                  <ListRow
                    href={`/users/${encodeURIComponent(s.userId)}`}
                    initial={s.userId.slice(0, 1).toUpperCase()}
                    title={s.userId}
                    aside={`subscribed ${when(s.subscribedAt)}`}
                  />
                </li>
              ))}
            </ul>
          )}
        </PagedView>
      </Card>
    </>
  );
}
