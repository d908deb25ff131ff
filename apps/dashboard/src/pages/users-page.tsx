import { type FormEvent, useEffect, useState } from "react";
import { api, unwrap } from "../api/client.ts";
import { Card, PageHeader } from "../components/page-header.tsx";
import { PagedView } from "../components/paged-view.tsx";
import { Empty } from "../components/states.tsx";
import { ago } from "../format.ts";
import { usePagedList } from "../paged-list.ts";
import { Link, useLocation, useSearchParamsUpdater } from "../router.tsx";

/** Matches per page; "Load more" asks for the next ones. */
const PAGE = 50;

export function UsersPage() {
  const { search } = useLocation();
  const setSearch = useSearchParamsUpdater();
  const q = search.get("q") ?? "";
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const results = usePagedList({
    queryKey: ["user-search", q],
    page: (cursor) =>
      unwrap(
        api.GET("/v1/dashboard/users", {
          params: { query: { q, limit: PAGE, ...(cursor ? { cursor } : {}) } },
        }),
      ),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSearch({ q: text.trim() || undefined });
  };
  return (
    <>
      <PageHeader
        title="Users"
        subtitle="Find a user by their id, e-mail, phone number or Herald id (usr_…)."
      />
      <form className="search" onSubmit={submit}>
        <input
          type="search"
          aria-label="Search users"
          placeholder="user id, e-mail or phone"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="btn btn-primary">
          Search
        </button>
      </form>
      <Card className="flush">
        <PagedView
          list={results}
          empty={
            <Empty title={q ? `No user matches “${q}”` : "No users yet"}>
              {q
                ? "Search matches part of a user id, e-mail or phone."
                : "Users appear with their first event."}
            </Empty>
          }
        >
          {(users) => (
            <ul className="user-list">
              {users.map((u) => (
                <li key={u.id}>
                  <Link href={`/users/${encodeURIComponent(u.userId)}`} className="user-row">
                    <span className="avatar" aria-hidden="true">
                      {u.userId.slice(0, 1).toUpperCase()}
                    </span>
                    <span className="user-main">
                      <span className="user-id">{u.userId}</span>
                      <span className="muted small">
                        {[u.email, u.phone].filter(Boolean).join(" · ") || "no contact data"}
                      </span>
                    </span>
                    <span className="muted small hide-sm">updated {ago(u.updatedAt)}</span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </PagedView>
      </Card>
    </>
  );
}
