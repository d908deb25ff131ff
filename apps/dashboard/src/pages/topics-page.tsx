import { api, unwrap } from "../api/client.ts";
import { ListRow } from "../components/list-row.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { PagedView } from "../components/paged-view.tsx";
import { useSearchForm } from "../components/search-form.tsx";
import { Empty } from "../components/states.tsx";
import { subscribersText } from "../components/topic-text.ts";
import { ago } from "../format.ts";
import { usePagedList } from "../paged-list.ts";

/**
 * Topics per page. Each page counts its topics' subscribers exactly, at
 * about 0.15 µs a subscription: 25 topics of 100,000 subscribers each take
 * some 0.3 s, where the API's 200 would take seconds.
 */
const PAGE = 25;

/** A key prefix the API takes: printable ASCII (keys are), up to 128 characters. */
const usablePrefix = (text: string) => /^[\x20-\x7e]{0,128}$/.test(text);

/** The topics in key order (`GET /v1/topics`), found by the start of their key. */
export function TopicsPage() {
  const { value: prefix, form } = useSearchForm("prefix", {
    label: "Search topics by key prefix",
    placeholder: "start of a topic key, e.g. news.",
  });
  const valid = usablePrefix(prefix);
  const topics = usePagedList({
    queryKey: ["topics", prefix],
    enabled: valid,
    page: async (cursor) => {
      const page = await unwrap(
        api.GET("/v1/topics", {
          params: {
            query: { limit: PAGE, ...(prefix ? { prefix } : {}), ...(cursor ? { cursor } : {}) },
          },
        }),
      );
      // A key names one topic: it is the row's identity.
      return { ...page, data: page.data.map((t) => ({ ...t, id: t.key })) };
    },
  });
  return (
    <>
      <PageHeader
        title="Topics"
        subtitle="Named audiences: an event sent to a topic goes to every user subscribed to it. Your app subscribes users."
      />
      {form}
      <Card className="flush">
        {!valid ? (
          <Empty title="Not a topic key prefix">
            Topic keys are lower-case letters, digits and <span className="mono">. _ : -</span>.
          </Empty>
        ) : (
          <PagedView
            list={topics}
            empty={
              <Empty title={prefix ? `No topic starts with “${prefix}”` : "No topics yet"}>
                {prefix
                  ? "The search matches the start of a key, character for character."
                  : "A topic appears when your app subscribes its first user to it."}
              </Empty>
            }
          >
            {(rows) => (
              <ul className="user-list topics">
                {rows.map((t) => (
                  <li key={t.key} data-topic={t.key}>
                    <ListRow
                      href={`/topics/${encodeURIComponent(t.key)}`}
                      initial="#"
                      title={t.key}
                      titleClass="user-id mono"
                      detail={subscribersText(t.subscriberCount)}
                      aside={`created ${ago(t.createdAt)}`}
                    />
                  </li>
                ))}
              </ul>
            )}
          </PagedView>
        )}
      </Card>
    </>
  );
}
