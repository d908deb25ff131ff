import { CHANNELS } from "@herald/domain";
import { api, unwrap } from "../api/client.ts";
import { ContentPreview } from "../components/content-preview.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { PagedView } from "../components/paged-view.tsx";
import { Empty } from "../components/states.tsx";
import { ago, CHANNEL_LABEL, shortId } from "../format.ts";
import { usePagedList } from "../paged-list.ts";
import { Link, useLocation, useSearchParamsUpdater } from "../router.tsx";

type Channel = (typeof CHANNELS)[number];

export function OutboxPage() {
  const { search } = useLocation();
  const setSearch = useSearchParamsUpdater();
  const channel = (CHANNELS as readonly string[]).includes(search.get("channel") ?? "")
    ? (search.get("channel") as Channel)
    : undefined;
  const list = usePagedList({
    queryKey: ["outbox", channel],
    page: (cursor) =>
      unwrap(
        api.GET("/v1/dashboard/outbox", {
          params: { query: { limit: 30, ...(channel ? { channel } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
    refetchInterval: 5000,
  });
  return (
    <>
      <PageHeader
        title="Dev outbox"
        subtitle="What the outbox provider “sent”: channels without provider credentials land here instead."
        live
      />
      <div className="tabs" role="tablist">
        {[undefined, ...CHANNELS].map((c) => (
          <button
            key={c ?? "all"}
            type="button"
            role="tab"
            aria-selected={channel === c}
            className={channel === c ? "tab active" : "tab"}
            onClick={() => setSearch({ channel: c })}
          >
            {c ? CHANNEL_LABEL[c] : "All"}
          </button>
        ))}
      </div>
      <PagedView
        list={list}
        rows={5}
        empty={
          <Card>
            <Empty title="The outbox is empty">
              Trigger an event for a user on a channel that uses the outbox provider, and the message shows up
              here.
            </Empty>
          </Card>
        }
      >
        {(messages) => (
          <div className="outbox-list">
            {messages.map((m, i) => (
              <Card
                key={m.id}
                className="outbox-item"
                title={
                  <span className="outbox-title">
                    <span className={`chip chip-${m.channel}`}>{CHANNEL_LABEL[m.channel] ?? m.channel}</span>
                    <span className="break">to {m.destination}</span>
                  </span>
                }
                actions={
                  <span className="muted small nowrap">
                    <Link href={`/notifications/${m.notificationId}`} className="mono">
                      {shortId(m.notificationId)}
                    </Link>{" "}
                    · {ago(m.createdAt)}
                  </span>
                }
              >
                {m.channel === "email" && i > 0 ? (
                  // One rendered e-mail open at a time keeps a long outbox light.
                  <details className="mail-fold">
                    <summary>
                      <strong>{String(m.content.subject ?? "(no subject)")}</strong>
                      <span className="muted"> · show the e-mail</span>
                    </summary>
                    <ContentPreview content={m.content} channel={m.channel} frameHeight={380} />
                  </details>
                ) : (
                  <ContentPreview content={m.content} channel={m.channel} frameHeight={380} />
                )}
              </Card>
            ))}
          </div>
        )}
      </PagedView>
    </>
  );
}
