/**
 * The `<Inbox />` stylesheet. Theme it by setting these custom properties on
 * `.herald-inbox` (or any ancestor): `--herald-inbox-accent`, `-bg`, `-fg`,
 * `-muted`, `-border`, `-unread-bg`, `-badge-bg`, `-badge-fg`, `-radius`,
 * `-width`, `-max-height`, `-font`, `-shadow`, `-z-index`. Rendered once per
 * document by the component (React 19 hoists and de-duplicates it); pass
 * `unstyled` and include this text yourself to load it another way.
 */
export const inboxStyles = `
.herald-inbox, .herald-prefs {
  --hi-accent: var(--herald-inbox-accent, #4f46e5);
  --hi-bg: var(--herald-inbox-bg, #fff);
  --hi-fg: var(--herald-inbox-fg, #111827);
  --hi-muted: var(--herald-inbox-muted, #6b7280);
  --hi-border: var(--herald-inbox-border, #e5e7eb);
  --hi-unread-bg: var(--herald-inbox-unread-bg, #eef2ff);
  --hi-radius: var(--herald-inbox-radius, 8px);
  font: var(--herald-inbox-font, 14px/1.4 system-ui, sans-serif);
  color: var(--hi-fg);
}
.herald-inbox { position: relative; display: inline-block; }
.herald-inbox button { font: inherit; cursor: pointer; }
.herald-inbox button:disabled { cursor: default; opacity: 0.5; }
.herald-inbox :focus-visible { outline: 2px solid var(--hi-accent); outline-offset: 2px; }
.herald-inbox__bell {
  position: relative; display: inline-flex; align-items: center; justify-content: center;
  width: 2.5em; height: 2.5em; padding: 0; border: 0; border-radius: 50%;
  background: transparent; color: inherit;
}
.herald-inbox__bell:hover { background: var(--hi-unread-bg); }
.herald-inbox__bell svg { width: 1.4em; height: 1.4em; }
.herald-inbox__badge {
  position: absolute; top: 0.1em; right: 0.1em; min-width: 1.4em; height: 1.4em; padding: 0 0.35em;
  box-sizing: border-box; border-radius: 0.7em; font-size: 0.75em; font-weight: 600; line-height: 1.4em;
  background: var(--herald-inbox-badge-bg, #dc2626); color: var(--herald-inbox-badge-fg, #fff);
}
.herald-inbox__popover {
  position: absolute; right: 0; top: calc(100% + 0.4em); z-index: var(--herald-inbox-z-index, 1000);
  width: var(--herald-inbox-width, 360px); max-width: calc(100vw - 1em);
  display: flex; flex-direction: column; max-height: var(--herald-inbox-max-height, 480px);
  background: var(--hi-bg); border: 1px solid var(--hi-border); border-radius: var(--hi-radius);
  box-shadow: var(--herald-inbox-shadow, 0 10px 30px rgb(0 0 0 / 0.15));
}
.herald-inbox__header {
  display: flex; align-items: center; justify-content: space-between; gap: 0.5em;
  padding: 0.75em 1em; border-bottom: 1px solid var(--hi-border);
}
.herald-inbox__title { margin: 0; font-size: 1em; font-weight: 600; }
.herald-inbox__link-button { border: 0; background: none; padding: 0; color: var(--hi-accent); }
.herald-inbox__status { padding: 0.5em 1em; font-size: 0.85em; color: var(--hi-muted); }
.herald-inbox__status[role="alert"] { color: #b91c1c; }
.herald-inbox__list { list-style: none; margin: 0; padding: 0; overflow-y: auto; flex: 1; }
.herald-inbox__item { position: relative; display: flex; gap: 0.25em; border-bottom: 1px solid var(--hi-border); }
.herald-inbox__item[data-read="false"] { background: var(--hi-unread-bg); }
.herald-inbox__item-main {
  flex: 1; display: block; min-width: 0; padding: 0.75em 0.5em 0.75em 1.5em; border: 0;
  background: none; color: inherit; text-align: left; position: relative;
}
.herald-inbox__dot {
  position: absolute; left: 0.6em; top: 1.2em; width: 0.5em; height: 0.5em; border-radius: 50%;
  background: var(--hi-accent);
}
.herald-inbox__item-title { display: block; font-weight: 600; }
.herald-inbox__item-body { display: block; color: var(--hi-muted); overflow-wrap: anywhere; }
.herald-inbox__item-time { display: block; margin-top: 0.25em; font-size: 0.8em; color: var(--hi-muted); }
.herald-inbox__item-actions { display: flex; flex-direction: column; align-items: flex-end; gap: 0.25em; padding: 0.6em 0.75em 0.6em 0; }
.herald-inbox__action { color: var(--hi-accent); font-size: 0.85em; white-space: nowrap; }
.herald-inbox__archive { border: 0; background: none; padding: 0.1em 0.3em; color: var(--hi-muted); border-radius: 4px; }
.herald-inbox__archive:hover { background: var(--hi-border); color: var(--hi-fg); }
.herald-inbox__header-actions { display: flex; gap: 0.75em; align-items: center; }
.herald-inbox__view[aria-pressed="true"] { font-weight: 600; text-decoration: underline; }
.herald-inbox__unread { border: 0; background: none; padding: 0.3em; border-radius: 4px; line-height: 0; }
.herald-inbox__unread span { display: inline-block; width: 0.5em; height: 0.5em; border-radius: 50%; border: 1.5px solid var(--hi-accent); }
.herald-inbox__unread:hover { background: var(--hi-border); }
.herald-inbox__empty { padding: 2em 1em; text-align: center; color: var(--hi-muted); }
.herald-inbox__more { margin: 0.5em auto; display: block; border: 1px solid var(--hi-border); border-radius: var(--hi-radius); background: var(--hi-bg); color: var(--hi-fg); padding: 0.35em 1em; }
.herald-prefs { display: block; max-width: 32em; }
.herald-prefs__title { font-size: 1.1em; margin: 0 0 0.5em; }
.herald-prefs__error { color: #b91c1c; }
.herald-prefs__group { border: 1px solid var(--hi-border); border-radius: var(--hi-radius); margin: 0 0 1em; padding: 0.5em 1em; }
.herald-prefs__group legend { font-weight: 600; padding: 0 0.25em; }
.herald-prefs__row { display: flex; gap: 0.6em; align-items: flex-start; padding: 0.4em 0; cursor: pointer; }
.herald-prefs__row input { accent-color: var(--hi-accent); margin-top: 0.2em; }
.herald-prefs__row[data-required] { cursor: default; }
.herald-prefs__required { color: var(--hi-muted); font-size: 0.85em; }
.herald-prefs__description { display: block; color: var(--hi-muted); font-size: 0.85em; }
`;
