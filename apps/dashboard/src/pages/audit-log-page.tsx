import { type FormEvent, useEffect, useState } from "react";
import { api, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { AdminsOnly } from "../components/admins-only.tsx";
import { AuditTable } from "../components/audit-table.tsx";
import { FilterActions, localZone, toIso, toLocal } from "../components/filters.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { PagedView } from "../components/paged-view.tsx";
import { Empty } from "../components/states.tsx";
import { usePagedList } from "../paged-list.ts";
import { useLocation, useSearchParamsUpdater } from "../router.tsx";

const TITLE = "Audit log";
const PAGE = 50;
const FIELDS = ["actorId", "action", "targetId", "since", "until"] as const;
type AuditFilters = Partial<Record<(typeof FIELDS)[number], string>>;

/**
 * Who did what to what, when, from where (`GET /v1/audit-log`), newest
 * first, for admins: support staff opening it get a page saying so (the API
 * would answer 403), and it is not in their navigation.
 */
export function AuditLogPage() {
  const { isAdmin } = useAuth();
  if (!isAdmin)
    return <AdminsOnly title={TITLE}>The audit log of operators' actions is for admins.</AdminsOnly>;
  return <AdminAuditLog />;
}

function AdminAuditLog() {
  const { search } = useLocation();
  const setSearch = useSearchParamsUpdater();
  const filters: AuditFilters = {};
  for (const f of FIELDS) {
    const v = search.get(f);
    if (v) filters[f] = v;
  }
  const entries = usePagedList({
    queryKey: ["audit-log", filters],
    page: (cursor) =>
      unwrap(
        api.GET("/v1/audit-log", {
          params: { query: { limit: PAGE, ...filters, ...(cursor ? { cursor } : {}) } },
        }),
      ),
  });
  const filterHref = (key: "actorId" | "action" | "targetId", value: string) =>
    `/audit-log?${new URLSearchParams({ ...filters, [key]: value })}`;
  return (
    <>
      <PageHeader
        title={TITLE}
        subtitle="Operators' actions through the dashboard and API keys: who, what, on what, when, from where. Apps' own traffic (events, user upserts) is not recorded."
      />
      <AuditFilterForm value={filters} onChange={(f) => setSearch(f)} />
      <Card className="flush">
        <PagedView
          list={entries}
          empty={
            <Empty title="No entries">
              {Object.keys(filters).length > 0 ? "None match these filters." : "No operator has acted yet."}
            </Empty>
          }
        >
          {(rows) => <AuditTable rows={rows} filterHref={filterHref} />}
        </PagedView>
      </Card>
    </>
  );
}

/** Actor, action (exact or a prefix ending in a dot), target, time range; applied on submit. */
function AuditFilterForm({ value, onChange }: { value: AuditFilters; onChange: (v: AuditFilters) => void }) {
  const [draft, setDraft] = useState(value);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-sync when the URL's filters change
  useEffect(() => setDraft(value), [JSON.stringify(value)]);
  const set = (k: keyof AuditFilters, v: string | undefined) =>
    setDraft((d) => ({ ...d, [k]: v || undefined }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange(draft);
  };
  const text = (k: "actorId" | "action" | "targetId", label: string, placeholder: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        value={draft[k] ?? ""}
        placeholder={placeholder}
        onChange={(e) => set(k, e.target.value.trim())}
      />
    </label>
  );
  return (
    <form className="filters" onSubmit={submit} aria-label="Filters">
      {text("actorId", "Actor", "key_… or account id")}
      {text("action", "Action", "user.erase, or user.")}
      {text("targetId", "Target", "user id, ntf_…, key_…")}
      {(["since", "until"] as const).map((k) => (
        <label className="field" key={k}>
          <span>{k === "since" ? "From" : "To"}</span>
          <input
            type="datetime-local"
            title={localZone}
            value={toLocal(draft[k])}
            onChange={(e) => set(k, toIso(e.target.value))}
          />
        </label>
      ))}
      <FilterActions
        active={Object.values(value).some(Boolean)}
        onClear={() => {
          setDraft({});
          onChange({});
        }}
      />
    </form>
  );
}
