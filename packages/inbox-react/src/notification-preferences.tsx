import { CATEGORIES } from "@herald/domain";
import type { Channel, InboxStore, Preferences, PreferencesPatch } from "@herald/inbox";
import { useEffect, useId, useRef, useState } from "react";
import { inboxStyles } from "./inbox-styles.ts";

export interface PreferenceCategory {
  id: string;
  label: string;
  description?: string;
  /** Shown on and locked: Herald always sends these (e.g. security). */
  required?: boolean;
}

export interface NotificationPreferencesProps {
  /** The store from `createInbox(...)`: its token (and `getToken`) opens the preferences too. */
  store: InboxStore;
  /** The heading. Default "Notification preferences". */
  title?: string;
  /** Categories shown, in order. Default: Herald's categories, required ones locked on. */
  categories?: PreferenceCategory[];
  /** Channels shown, in order. Default: email, SMS, push, in-app. */
  channels?: { id: Channel; label: string }[];
  /** Leave out the built-in stylesheet (`inboxStyles`). Default false. */
  unstyled?: boolean;
}

const DEFAULT_CATEGORIES: PreferenceCategory[] = Object.entries(CATEGORIES).map(([id, c]) => ({
  id,
  label: id.charAt(0).toUpperCase() + id.slice(1),
  description: c.description,
  required: c.required,
}));

const DEFAULT_CHANNELS: { id: Channel; label: string }[] = [
  { id: "email", label: "Email" },
  { id: "sms", label: "SMS" },
  { id: "push", label: "Push" },
  { id: "in_app", label: "In-app" },
];

/**
 * The signed-in user's own switches: channels, categories (required ones
 * shown but locked), and unsubscribe from everything optional. A change shows
 * at once and is undone, with a message, if Herald refuses it.
 */
export function NotificationPreferences({
  store,
  title = "Notification preferences",
  categories = DEFAULT_CATEGORIES,
  channels = DEFAULT_CHANNELS,
  unstyled = false,
}: NotificationPreferencesProps) {
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);
  const headingId = useId();

  useEffect(() => {
    let current = true;
    store.getPreferences().then(
      (p) => current && setPrefs(p),
      (err: Error) => current && setError(`Your preferences could not be loaded: ${err.message}`),
    );
    return () => {
      current = false;
    };
  }, [store]);

  const change = async (patch: PreferencesPatch, local: (p: Preferences) => Preferences) => {
    if (!prefs) return;
    const before = prefs;
    const mine = ++latest.current;
    setPrefs(local(prefs));
    setError(null);
    try {
      const saved = await store.updatePreferences(patch);
      // Only the last change's answer is shown: an earlier one may answer after it.
      if (mine === latest.current) setPrefs(saved);
    } catch (err) {
      if (mine !== latest.current) return;
      setPrefs(before);
      setError(`That change could not be saved: ${(err as Error).message}`);
    }
  };

  const setChannel = (id: Channel, on: boolean) =>
    // On is the default: clearing the switch (null) rather than pinning it keeps type/category overrides in charge.
    change({ channels: { [id]: on ? null : false } }, (p) => ({
      ...p,
      channels: { ...p.channels, [id]: on },
    }));
  const setCategory = (id: string, on: boolean) =>
    change({ categories: { [id]: { enabled: on ? null : false } } }, (p) => ({
      ...p,
      categories: { ...p.categories, [id]: { ...p.categories[id], enabled: on } },
    }));

  return (
    <section
      className="herald-prefs"
      aria-labelledby={headingId}
      aria-busy={prefs === null && error === null}
    >
      {!unstyled && (
        <style href="herald-inbox" precedence="default">
          {inboxStyles}
        </style>
      )}
      <h2 id={headingId} className="herald-prefs__title">
        {title}
      </h2>
      {error && (
        <p className="herald-prefs__error" role="alert">
          {error}
        </p>
      )}
      {prefs === null && error === null && <p role="status">Loading…</p>}
      {prefs && (
        <>
          <fieldset className="herald-prefs__group">
            <legend>Channels</legend>
            {channels.map((c) => (
              <label key={c.id} className="herald-prefs__row">
                <input
                  type="checkbox"
                  checked={prefs.channels[c.id] !== false}
                  onChange={(e) => void setChannel(c.id, e.target.checked)}
                />
                <span className="herald-prefs__label">{c.label}</span>
              </label>
            ))}
          </fieldset>
          <fieldset className="herald-prefs__group">
            <legend>Categories</legend>
            {categories.map((c) => (
              <label key={c.id} className="herald-prefs__row" data-required={c.required ? "true" : undefined}>
                <input
                  type="checkbox"
                  checked={c.required || prefs.categories[c.id]?.enabled !== false}
                  disabled={c.required}
                  onChange={(e) => void setCategory(c.id, e.target.checked)}
                />
                <span className="herald-prefs__label">
                  {c.label}
                  {c.required && <span className="herald-prefs__required"> (required)</span>}
                  {c.description && <span className="herald-prefs__description">{c.description}</span>}
                </span>
              </label>
            ))}
          </fieldset>
          <label className="herald-prefs__row">
            <input
              type="checkbox"
              checked={prefs.unsubscribedAll}
              onChange={(e) =>
                void change({ unsubscribedAll: e.target.checked }, (p) => ({
                  ...p,
                  unsubscribedAll: e.target.checked,
                }))
              }
            />
            <span className="herald-prefs__label">
              Unsubscribe from everything optional
              <span className="herald-prefs__description">Required notifications still arrive.</span>
            </span>
          </label>
        </>
      )}
    </section>
  );
}
