import { api, unwrap } from "../api/client.ts";
import { ListRow } from "../components/list-row.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { PagedView } from "../components/paged-view.tsx";
import { useSearchForm } from "../components/search-form.tsx";
import { Empty } from "../components/states.tsx";
import { ago } from "../format.ts";
import { usePagedList } from "../paged-list.ts";

/** Matches per page; "Load more" asks for the next ones. */
const PAGE = 50;

export function UsersPage() {
  const { value: q, form } = useSearchForm("q", {
    label: "Search users",
    placeholder: "user id, e-mail or phone",
  });
  const results = usePagedList({
    queryKey: ["user-search", q],
    page: (cursor) =>
      unwrap(
        api.GET("/v1/dashboard/users", {
          params: { query: { q, limit: PAGE, ...(cursor ? { cursor } : {}) } },
        }),
      ),
  });
  return (
    <>
      <PageHeader
        title="Users"
        subtitle="Find a user by their id, e-mail, phone number or Herald id (usr_…)."
      />
      {form}
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
                  <ListRow
                    href={`/users/${encodeURIComponent(u.userId)}`}
                    initial={u.userId.slice(0, 1).toUpperCase()}
                    title={u.userId}
                    detail={[u.email, u.phone].filter(Boolean).join(" · ") || "no contact data"}
                    aside={`updated ${ago(u.updatedAt)}`}
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
