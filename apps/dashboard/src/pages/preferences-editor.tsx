import { CHANNELS } from "@herald/domain";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, type Preferences, type PreferencesUpdate, unwrap } from "../api/client.ts";
import { FieldError, FormErrorSummary, invalidProps } from "../components/field-error.tsx";
import { formErrorsOf } from "../components/form-errors.ts";
import { useToast } from "../components/toast.tsx";
import { CHANNEL_LABEL } from "../format.ts";
import { CATEGORY_NAMES, CategoryRow } from "./preferences-category.tsx";
import { consentText, switchKey } from "./preferences-consent.ts";
import { type Draft, followUserZone, type TypeInfo, toDraft, toUpdate } from "./preferences-draft.ts";

const ZONES = [
  "UTC",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "America/New_York",
  "America/Chicago",
  "America/Los_Angeles",
  "America/Sao_Paulo",
  "Asia/Tokyo",
  "Asia/Kolkata",
  "Australia/Sydney",
];

/** The API's 422 field paths → the editor's fields. */
function fieldOf(path: string): string {
  if (path.startsWith("quietHours.timezone")) return "quietZone";
  if (path.startsWith("quietHours.start")) return "quietStart";
  if (path.startsWith("quietHours.end")) return "quietEnd";
  if (path.startsWith("quietHours")) return "quiet";
  if (path.startsWith("digestTime")) return "digestTime";
  const cat = /^categories\.([a-z_]+)/.exec(path);
  if (cat) return `category.${cat[1]}`;
  if (path.startsWith("channels")) return "channels";
  if (path.startsWith("types")) return "types";
  return "form";
}

/** Channels, categories with their channels and types, quiet hours, digest: saved through PUT /v1/users/:id/preferences. */
export function PreferencesEditor({
  userId,
  prefs,
  userZone,
  catalog,
}: {
  userId: string;
  prefs: Preferences;
  userZone: string | null;
  catalog: readonly TypeInfo[];
}) {
  // What the form was loaded from: a save sends only what differs from it.
  const [base, setBase] = useState(() => toDraft(prefs, userZone, catalog));
  const [draft, setDraft] = useState(base);
  const [zoneSeen, setZoneSeen] = useState(userZone);
  if (zoneSeen !== userZone) {
    // Adjusted while rendering (not in an effect), so the form never shows the old zone.
    setZoneSeen(userZone);
    const next = followUserZone(draft, base, prefs, userZone);
    setBase(next.base);
    setDraft(next.draft);
  }
  const [errors, setErrors] = useState<Record<string, string>>({});
  const toast = useToast();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (body: PreferencesUpdate) =>
      unwrap(api.PUT("/v1/users/{userId}/preferences", { params: { path: { userId } }, body })),
    onSuccess: (saved) => {
      setErrors({});
      const fresh = toDraft(saved, userZone, catalog);
      setBase(fresh);
      setDraft(fresh);
      client.setQueryData(["preferences", userId], saved);
      toast("ok", "Preferences saved");
    },
    onError: (e) => setErrors(formErrorsOf(e, fieldOf, "press Save preferences")),
  });
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(toUpdate(draft, base, catalog));
  };
  const invalid = (name: string) => invalidProps(errors, name);
  return (
    <form className="prefs" onSubmit={submit} aria-label="Preferences">
      <FormErrorSummary errors={errors} title="Not saved" retry="save" />
      <fieldset>
        <legend>Channels</legend>
        <div className="toggles">
          {CHANNELS.map((c) => (
            <label key={c} className="toggle">
              <input
                type="checkbox"
                checked={draft.channels[c]}
                onChange={(e) => set({ channels: { ...draft.channels, [c]: e.target.checked } })}
              />
              <span className="switch" aria-hidden="true" />
              {CHANNEL_LABEL[c]}
              {draft.optIn.channels.includes(c) && (
                <span className="muted small" data-consent={c}>
                  {" "}
                  (opt-in{draft.channels[c] ? "" : `; ${consentText(draft, switchKey.channel(c))}`})
                </span>
              )}
            </label>
          ))}
        </div>
        <FieldError errors={errors} name="channels" />
        <label className="toggle toggle-danger">
          <input
            type="checkbox"
            checked={draft.unsubscribedAll}
            onChange={(e) => set({ unsubscribedAll: e.target.checked })}
          />
          <span className="switch" aria-hidden="true" />
          Unsubscribed from everything optional
        </label>
      </fieldset>
      <fieldset>
        <legend>Categories</legend>
        <div className="cat-list">
          {CATEGORY_NAMES.map((c) => (
            <CategoryRow
              key={c}
              category={c}
              draft={draft}
              base={base}
              catalog={catalog}
              set={set}
              error={<FieldError errors={errors} name={`category.${c}`} />}
            />
          ))}
        </div>
        <FieldError errors={errors} name="types" />
      </fieldset>
      <fieldset>
        <legend>Quiet hours and digest</legend>
        <label className="toggle">
          <input type="checkbox" checked={draft.quiet} onChange={(e) => set({ quiet: e.target.checked })} />
          <span className="switch" aria-hidden="true" />
          Hold non-critical messages during quiet hours
        </label>
        {/* QUIET_HOURS_CHANNELS is the worker's; the dashboard can only say what it holds by default. */}
        <p className="muted small">
          Push, e-mail and SMS wait until the quiet hours end (the server's default, QUIET_HOURS_CHANNELS);
          the in-app inbox still fills.
        </p>
        <FieldError errors={errors} name="quiet" />
        <div className="row-fields">
          <label className="field">
            <span>From</span>
            <input
              value={draft.quietStart}
              disabled={!draft.quiet}
              placeholder="22:00"
              inputMode="numeric"
              onChange={(e) => set({ quietStart: e.target.value })}
              {...invalid("quietStart")}
            />
            <FieldError errors={errors} name="quietStart" />
          </label>
          <label className="field">
            <span>To</span>
            <input
              value={draft.quietEnd}
              disabled={!draft.quiet}
              placeholder="07:00"
              inputMode="numeric"
              onChange={(e) => set({ quietEnd: e.target.value })}
              {...invalid("quietEnd")}
            />
            <FieldError errors={errors} name="quietEnd" />
          </label>
          <label className="field grow">
            <span>Time zone</span>
            <input
              list="zones"
              value={draft.quietZone}
              disabled={!draft.quiet}
              onChange={(e) => set({ quietZone: e.target.value })}
              {...invalid("quietZone")}
            />
            <datalist id="zones">
              {ZONES.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            <FieldError errors={errors} name="quietZone" />
          </label>
        </div>
        <label className="field narrow">
          <span>Digest time (user's zone)</span>
          <input
            value={draft.digestTime}
            placeholder="09:00"
            inputMode="numeric"
            onChange={(e) => set({ digestTime: e.target.value })}
            {...invalid("digestTime")}
          />
          <FieldError errors={errors} name="digestTime" />
        </label>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save preferences"}
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => {
            const fresh = toDraft(prefs, userZone, catalog);
            setBase(fresh);
            setDraft(fresh);
            setErrors({});
          }}
        >
          Reset
        </button>
      </div>
    </form>
  );
}
