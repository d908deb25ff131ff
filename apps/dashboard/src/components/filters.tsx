import { CHANNELS, NOTIFICATION_STATUSES } from "@herald/domain";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { api, unwrap } from "../api/client.ts";
import { CHANNEL_LABEL } from "../format.ts";

export interface FilterValues {
  userId?: string;
  eventId?: string;
  type?: string;
  channel?: string;
  status?: string;
  since?: string;
  until?: string;
}

/** The catalog (rendered examples included), fetched once per session. */
/** The catalog, its previews rendered for `locale` (default: the API's, `en-US`). */
export const useTemplates = (locale?: string) =>
  useQuery({
    queryKey: ["templates", locale ?? ""],
    queryFn: () =>
      unwrap(api.GET("/v1/dashboard/templates", { params: { query: locale ? { locale } : {} } })),
    staleTime: Number.POSITIVE_INFINITY,
    // Switching the preview language keeps the cards in place while the other one loads.
    placeholderData: keepPreviousData,
  });

/** `datetime-local` value ↔ ISO (the browser's time zone). */
export const toLocal = (iso?: string) => {
  const d = new Date(iso ?? "");
  // Not a date (`?since=yesterday` typed in the address bar): an empty field; the API says what is wrong.
  if (Number.isNaN(d.getTime())) return "";
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
export const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);
/** Said on the From/To fields, whose times are the browser's while the list shows each time's zone. */
export const localZone = `Your browser's time zone: ${Intl.DateTimeFormat().resolvedOptions().timeZone}`;

/** The notification search form; applies on submit, so typing does not fire a query per key. */
export function Filters({
  value,
  onChange,
  fields,
}: {
  value: FilterValues;
  onChange: (v: FilterValues) => void;
  fields: (keyof FilterValues)[];
}) {
  const [draft, setDraft] = useState(value);
  const types = useTemplates().data?.data.map((t) => t.type) ?? [];
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-sync when the URL's filters change
  useEffect(() => setDraft(value), [JSON.stringify(value)]);
  const set = (k: keyof FilterValues, v: string | undefined) =>
    setDraft((d) => ({ ...d, [k]: v || undefined }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange(draft);
  };
  const has = (k: keyof FilterValues) => fields.includes(k);
  const active = Object.values(value).some(Boolean);
  return (
    <form className="filters" onSubmit={submit} aria-label="Filters">
      {has("userId") && (
        <label className="field">
          <span>User</span>
          <input
            value={draft.userId ?? ""}
            placeholder="user id"
            onChange={(e) => set("userId", e.target.value)}
          />
        </label>
      )}
      {has("eventId") && (
        <label className="field">
          <span>Event</span>
          <input
            value={draft.eventId ?? ""}
            placeholder="evt_…"
            onChange={(e) => set("eventId", e.target.value)}
          />
        </label>
      )}
      {has("type") && (
        <label className="field">
          <span>Type</span>
          <select value={draft.type ?? ""} onChange={(e) => set("type", e.target.value)}>
            <option value="">Any type</option>
            {types.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      )}
      {has("channel") && (
        <label className="field">
          <span>Channel</span>
          <select value={draft.channel ?? ""} onChange={(e) => set("channel", e.target.value)}>
            <option value="">Any channel</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABEL[c]}
              </option>
            ))}
          </select>
        </label>
      )}
      {has("status") && (
        <label className="field">
          <span>Status</span>
          <select value={draft.status ?? ""} onChange={(e) => set("status", e.target.value)}>
            <option value="">Any status</option>
            {NOTIFICATION_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      )}
      {has("since") && (
        <label className="field">
          <span>From</span>
          <input
            type="datetime-local"
            title={localZone}
            value={toLocal(draft.since)}
            onChange={(e) => set("since", toIso(e.target.value))}
          />
        </label>
      )}
      {has("until") && (
        <label className="field">
          <span>To</span>
          <input
            type="datetime-local"
            title={localZone}
            value={toLocal(draft.until)}
            onChange={(e) => set("until", toIso(e.target.value))}
          />
        </label>
      )}
      <FilterActions
        active={active}
        onClear={() => {
          setDraft({});
          onChange({});
        }}
      />
    </form>
  );
}

/** A filter form's Search button, and Clear while any filter is set. */
export function FilterActions({ active, onClear }: { active: boolean; onClear: () => void }) {
  return (
    <div className="filter-actions">
      <button type="submit" className="btn btn-primary">
        Search
      </button>
      {active && (
        <button type="button" className="btn btn-ghost" onClick={onClear}>
          Clear
        </button>
      )}
    </div>
  );
}

/** Reads filters from the URL's query string. */
export function filtersFrom(search: URLSearchParams, fields: (keyof FilterValues)[]): FilterValues {
  const out: FilterValues = {};
  for (const f of fields) {
    const v = search.get(f);
    if (v) out[f] = v;
  }
  return out;
}
