import { CATEGORIES, type Category } from "@herald/domain";
import type { Channel, InboxStore, Preferences, PreferencesPatch } from "@herald/inbox";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { type InboxLabels, inboxLabels } from "./inbox-labels.ts";
import { inboxStyles } from "./inbox-styles.ts";
import { isOptIn, shownOn, storedFor } from "./preference-switch.ts";

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
  /** The heading. Default: `labels.preferencesTitle` ("Notification preferences"). */
  title?: string;
  /** Categories shown, in order. Default: Herald's categories, required ones locked on. */
  categories?: PreferenceCategory[];
  /** Channels shown, in order. Default: email, SMS, push, in-app. */
  channels?: { id: Channel; label: string }[];
  /** BCP 47 locale choosing the built-in labels (English, German, French). Default: English. */
  locale?: string;
  /** Texts replacing the built-in ones of `locale`'s language (see {@link InboxLabels}). */
  labels?: Partial<InboxLabels>;
  /** Leave out the built-in stylesheet (`inboxStyles`). Default false. */
  unstyled?: boolean;
}

function defaultCategories(labels: InboxLabels): PreferenceCategory[] {
  return (Object.keys(CATEGORIES) as Category[]).map((id) => ({
    id,
    ...labels.categories[id],
    required: CATEGORIES[id].required,
  }));
}

const CHANNEL_ORDER: Channel[] = ["email", "sms", "push", "in_app"];

/**
 * The signed-in user's own switches: channels, categories (required ones
 * shown but locked), and unsubscribe from everything optional. What the
 * operator made opt-in shows off until the user turns it on (a hint says
 * so), and on is then stored as an explicit yes. A change shows at once and
 * is undone, with a message, if Herald refuses it.
 */
export function NotificationPreferences({
  store,
  title,
  categories,
  channels,
  locale,
  labels,
  unstyled = false,
}: NotificationPreferencesProps) {
  const text = useMemo(() => inboxLabels(locale, labels), [locale, labels]);
  const shownCategories = categories ?? defaultCategories(text);
  const shownChannels = channels ?? CHANNEL_ORDER.map((id) => ({ id, label: text.channels[id] }));
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  // The failure, kept raw: its text follows the labels at render time.
  const [error, setError] = useState<{ kind: "load" | "save"; message: string } | null>(null);
  const latest = useRef(0);
  const headingId = useId();

  useEffect(() => {
    let current = true;
    store.getPreferences().then(
      (p) => current && setPrefs(p),
      (err: Error) => current && setError({ kind: "load", message: err.message }),
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
      setError({ kind: "save", message: (err as Error).message });
    }
  };

  const setChannel = (id: Channel, on: boolean) =>
    change({ channels: { [id]: storedFor(prefs!, { kind: "channel", id }, on) } }, (p) => ({
      ...p,
      channels: { ...p.channels, [id]: on },
    }));
  const setCategory = (id: string, on: boolean) =>
    change({ categories: { [id]: { enabled: storedFor(prefs!, { kind: "category", id }, on) } } }, (p) => ({
      ...p,
      categories: { ...p.categories, [id]: { ...p.categories[id], enabled: on } },
    }));
  // Under an opt-in switch: off is not the user's no, only the absence of their yes.
  const optInHint = (on: boolean, optIn: boolean) =>
    optIn && !on && <span className="herald-prefs__description">{text.optInHint}</span>;

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
        {title ?? text.preferencesTitle}
      </h2>
      {error && (
        <p className="herald-prefs__error" role="alert">
          {error.kind === "load" ? text.loadFailed(error.message) : text.saveFailed(error.message)}
        </p>
      )}
      {prefs === null && error === null && <p role="status">{text.loading}</p>}
      {prefs && (
        <>
          <fieldset className="herald-prefs__group">
            <legend>{text.channelsLegend}</legend>
            {shownChannels.map((c) => {
              const on = shownOn(prefs, { kind: "channel", id: c.id });
              return (
                <label key={c.id} className="herald-prefs__row">
                  <input
                    type="checkbox"
                    checked={on}
                    onChange={(e) => void setChannel(c.id, e.target.checked)}
                  />
                  <span className="herald-prefs__label">
                    {c.label}
                    {optInHint(on, isOptIn(prefs, { kind: "channel", id: c.id }))}
                  </span>
                </label>
              );
            })}
          </fieldset>
          <fieldset className="herald-prefs__group">
            <legend>{text.categoriesLegend}</legend>
            {shownCategories.map((c) => {
              const on = c.required || shownOn(prefs, { kind: "category", id: c.id });
              return (
                <label
                  key={c.id}
                  className="herald-prefs__row"
                  data-required={c.required ? "true" : undefined}
                >
                  <input
                    type="checkbox"
                    checked={on}
                    disabled={c.required}
                    onChange={(e) => void setCategory(c.id, e.target.checked)}
                  />
                  <span className="herald-prefs__label">
                    {c.label}
                    {c.required && <span className="herald-prefs__required"> {text.required}</span>}
                    {c.description && <span className="herald-prefs__description">{c.description}</span>}
                    {optInHint(on, isOptIn(prefs, { kind: "category", id: c.id }))}
                  </span>
                </label>
              );
            })}
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
              {text.unsubscribeAll}
              <span className="herald-prefs__description">{text.unsubscribeAllHint}</span>
            </span>
          </label>
        </>
      )}
    </section>
  );
}
