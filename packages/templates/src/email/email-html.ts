import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";

const XHTML_DOCTYPE =
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';

/** Image preload links React may hoist, dropped as react-email's `render()` drops them. */
export function withoutImagePreloads(markup: string): string {
  return markup.replace(/<link\b[^>]*\/?>/gi, (tag) =>
    /\brel="preload"/i.test(tag) && /\bas="image"/i.test(tag) ? "" : tag,
  );
}

/** A whole document's markup as react-email's `render()` finishes it: preloads dropped, its XHTML doctype first. */
export function finishEmailHtml(markup: string): string {
  return `${XHTML_DOCTYPE}${withoutImagePreloads(markup).replace(/<!DOCTYPE.*?>/, "")}`;
}

/**
 * react-email's `render()` streams through a Suspense boundary for async
 * components; ours are synchronous, so React's static renderer gives the
 * same document (byte for byte, bar React's hydration comments) at about a
 * quarter of the CPU, which matters at thousands of e-mails a second.
 */
export function renderEmailHtml(element: ReactElement): string {
  return finishEmailHtml(renderToStaticMarkup(element));
}
