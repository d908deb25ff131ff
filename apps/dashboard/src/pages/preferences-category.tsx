import { CATEGORIES } from "@herald/domain";
import type { ReactNode } from "react";
import { Badge } from "../components/status-badge.tsx";
import { CHANNEL_LABEL } from "../format.ts";
import { consentText, switchKey } from "./preferences-consent.ts";
import {
  type CategoryDraft,
  type Digest,
  type Draft,
  offCount,
  type Switches,
  type TypeInfo,
} from "./preferences-draft.ts";

type Category = keyof typeof CATEGORIES;

function Switch({
  label,
  checked,
  disabled,
  onChange,
  children,
}: {
  label: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (on: boolean) => void;
  children: string;
}) {
  return (
    <label className="toggle">
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-label={label}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span className="switch" aria-hidden="true" />
      {children}
    </label>
  );
}

/** One switch per channel in `switches`, labelled "<owner> <channel>" for assistive tech and tests. */
function ChannelSwitches({
  owner,
  switches,
  disabled,
  onChange,
}: {
  owner: string;
  switches: Switches;
  disabled: boolean;
  onChange: (next: Switches) => void;
}) {
  return (
    <div className="toggles">
      {Object.entries(switches).map(([c, on]) => (
        <Switch
          key={c}
          label={`${owner} ${CHANNEL_LABEL[c] ?? c}`}
          checked={disabled || on}
          disabled={disabled}
          onChange={(v) => onChange({ ...switches, [c]: v })}
        >
          {CHANNEL_LABEL[c] ?? c}
        </Switch>
      ))}
    </div>
  );
}

/**
 * A category: on/off and delivery, then its channel switches and its types'
 * overrides. Those are where unsubscribe links and per-type mutes land, so
 * the details open by themselves when any of them is off when loaded, and
 * the summary counts them even when closed.
 */
export function CategoryRow({
  category,
  draft,
  base,
  catalog,
  set,
  error,
}: {
  category: Category;
  draft: Draft;
  base: Draft;
  catalog: readonly TypeInfo[];
  set: (patch: Partial<Draft>) => void;
  error: ReactNode;
}) {
  const meta = CATEGORIES[category];
  const v = draft.categories[category]!;
  const setCat = (patch: Partial<CategoryDraft>) =>
    set({ categories: { ...draft.categories, [category]: { ...v, ...patch } } });
  const types = catalog.filter((t) => t.category === category);
  const off = offCount(draft, category, catalog);
  const optIn = draft.optIn.categories.includes(category);
  return (
    <div className="cat-row" data-category={category}>
      <div className="cat-name">
        <strong>{category}</strong>
        {meta.required && <Badge tone="info">required</Badge>}
        {optIn && <Badge tone="info">opt-in</Badge>}
        <div className="muted small">{meta.description}</div>
        {optIn && !v.enabled && (
          <div className="muted small" data-consent={category}>
            Opt-in, {consentText(draft, switchKey.category(category))}
          </div>
        )}
        {error}
      </div>
      <label className="toggle">
        <input
          type="checkbox"
          checked={meta.required || v.enabled}
          disabled={meta.required}
          onChange={(e) => setCat({ enabled: e.target.checked })}
          aria-label={`${category} enabled`}
        />
        <span className="switch" aria-hidden="true" />
        <span className="hide-sm">On</span>
      </label>
      <select
        aria-label={`${category} delivery`}
        value={meta.required ? "instant" : v.digest}
        disabled={meta.required}
        onChange={(e) => setCat({ digest: e.target.value as Digest })}
      >
        <option value="instant">Instant</option>
        <option value="daily">Daily digest</option>
        <option value="weekly">Weekly digest</option>
      </select>
      <details className="cat-more" open={offCount(base, category, catalog) > 0}>
        <summary>Channels and types {off > 0 && <Badge tone="bad">{off} off</Badge>}</summary>
        <div className="cat-more-row">
          <span className="muted small">Channels</span>
          <ChannelSwitches
            owner={category}
            switches={v.channels}
            disabled={meta.required}
            onChange={(channels) => setCat({ channels })}
          />
        </div>
        {types.map(({ type }) => {
          const t = draft.types[type]!;
          const setType = (patch: Partial<typeof t>) =>
            set({ types: { ...draft.types, [type]: { ...t, ...patch } } });
          return (
            <div key={type} className="cat-more-row" data-type={type}>
              <Switch
                label={`${type} enabled`}
                checked={meta.required || t.enabled}
                disabled={meta.required}
                onChange={(enabled) => setType({ enabled })}
              >
                {type}
              </Switch>
              <ChannelSwitches
                owner={type}
                switches={t.channels}
                disabled={meta.required}
                onChange={(channels) => setType({ channels })}
              />
            </div>
          );
        })}
      </details>
    </div>
  );
}

export const CATEGORY_NAMES = Object.keys(CATEGORIES) as Category[];
