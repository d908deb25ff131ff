import { createElement, Fragment, isValidElement, type ReactElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import type { EmailTemplate } from "../define-notification.ts";
import { Preview } from "./components.ts";
import { finishEmailHtml, withoutImagePreloads } from "./email-html.ts";
import { type FrameTextStart, framedPlainText, readFrameHead } from "./framed-plain-text.ts";
import { Layout, type LayoutFrame } from "./layout.tsx";

/**
 * The frame's markup around what differs per e-mail: the preview's
 * `<title>` (React hoists it into `<head>`) and hidden text, the body, and
 * the unsubscribe URL. `parts` has one more entry than there are holes.
 */
interface Shell {
  parts: string[];
  hasUrl: boolean;
  /** The plain-text converter after the head (parts up to the content, marker preview included). */
  text: FrameTextStart | null;
}

/** A framed e-mail's HTML, and its plain text when that could be read from the frame's state. */
export interface FramedEmail {
  html: string;
  text?: string;
}

// Marker text only this module writes; it must survive React's escaping unchanged.
const PREVIEW_MARK = "herald-frame-preview-7f3c9a";
const BODY_MARK = "herald-frame-body-7f3c9a";
const URL_MARK = "https://herald-frame.invalid/unsubscribe-7f3c9a";
const BODY_ELEMENT = `<i data-herald-frame="${BODY_MARK}"></i>`;
const TITLE_END = "</title>";
/** Elements React may hoist to `<head>` when it renders a whole document: a body with them is rendered whole. */
const HOISTABLE = /<(?:title|meta|link|style|script|base)\b/i;
/** Frames kept: one per locale, language, brand name and unsubscribe link or not; a deployment has a handful. */
const MAX_SHELLS = 256;

const shells = new Map<string, Shell | null>();

/** React's escaping of attribute values and text (`escapeTextForBrowser`). */
function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#x27;",
};

/** The preview as React writes it on its own: the `<title>` and the hidden text after it. */
function renderedPreviewParts(preview: ReactNode): [string, string] | null {
  const markup = renderToStaticMarkup(createElement(Preview, null, preview));
  const end = markup.indexOf(TITLE_END);
  if (!markup.startsWith("<title>") || end === -1) return null;
  return [markup.slice(0, end + TITLE_END.length), markup.slice(end + TITLE_END.length)];
}

/**
 * A text preview's markup depends on the text only through its escaped
 * copies in the `<title>` and the hidden `<div>`, and on its length (the
 * padding react-email adds up to its maximum): rendered once per length with
 * a placeholder, it is cut around the two copies. Rendering the preview per
 * e-mail was ~2% of a worker's CPU and ~8% of what it allocated.
 */
const previewShapes = new Map<number, [string, string, string, string] | null>();
const PLACEHOLDER = "\ue000"; // private use: in no markup React writes for the preview
/** Longer previews are cut by react-email, so the placeholder would not be the text: rendered whole. */
const MAX_SHAPED_PREVIEW = 200;

function previewShape(length: number): [string, string, string, string] | null {
  let shape = previewShapes.get(length);
  if (shape === undefined) {
    shape = null;
    const placeholder = PLACEHOLDER.repeat(length);
    const parts = renderedPreviewParts(placeholder);
    const title = parts?.[0].split(placeholder);
    const hidden = parts?.[1].split(placeholder);
    if (title?.length === 2 && hidden?.length === 2) shape = [title[0]!, title[1]!, hidden[0]!, hidden[1]!];
    previewShapes.set(length, shape);
  }
  return shape;
}

function previewParts(preview: ReactNode): [string, string] | null {
  if (typeof preview === "string" && preview.length > 0 && preview.length <= MAX_SHAPED_PREVIEW) {
    const shape = previewShape(preview.length);
    if (shape) {
      const text = escapeAttribute(preview);
      return [`${shape[0]}${text}${shape[1]}`, `${shape[2]}${text}${shape[3]}`];
    }
  }
  return renderedPreviewParts(preview);
}

/** Cuts `markup` at each hole, which must each occur exactly once and in this order. */
function cut(markup: string, holes: string[]): string[] | null {
  const parts: string[] = [];
  let from = 0;
  for (const hole of holes) {
    const at = markup.indexOf(hole, from);
    if (at === -1 || markup.indexOf(hole, at + hole.length) !== -1) return null;
    parts.push(markup.slice(from, at));
    from = at + hole.length;
  }
  parts.push(markup.slice(from));
  return parts;
}

function buildShell(frame: LayoutFrame): Shell | null {
  const hasUrl = !!frame.unsubscribeUrl;
  const markers = previewParts(PREVIEW_MARK);
  if (!markers) return null;
  const html = finishEmailHtml(
    renderToStaticMarkup(
      createElement(
        Layout,
        {
          ctx: {
            locale: frame.locale,
            ...(frame.language !== undefined ? { language: frame.language } : {}),
            brandName: frame.brandName,
            ...(hasUrl ? { unsubscribeUrl: URL_MARK } : {}),
          },
          preview: PREVIEW_MARK,
        },
        createElement("i", { "data-herald-frame": BODY_MARK }),
      ),
    ),
  );
  const parts = cut(html, [...markers, BODY_ELEMENT, ...(hasUrl ? [URL_MARK] : [])]);
  if (!parts) return null;
  const [p0, p1, p2] = parts;
  return { parts, hasUrl, text: readFrameHead(`${p0}${markers[0]}${p1}${markers[1]}${p2}`) };
}

function shellFor(frame: LayoutFrame): Shell | null {
  const key = `${frame.locale}\u0000${frame.language ?? ""}\u0000${frame.brandName}\u0000${frame.unsubscribeUrl ? 1 : 0}`;
  let shell = shells.get(key);
  if (shell === undefined) {
    if (shells.size >= MAX_SHELLS) shells.clear();
    shell = buildShell(frame);
    shells.set(key, shell);
  }
  return shell;
}

/**
 * An e-mail whose template returns our `Layout` around its content, with
 * the frame rendered once per locale and brand and only the content, the
 * preview and the unsubscribe URL rendered per e-mail: the frame is ~40% of
 * an e-mail's rendering. The HTML is byte for byte what `renderEmailHtml`
 * gives for the whole tree, and the plain text, read on from the frame
 * head's state, what `htmlToPlainText` gives for that HTML (tests compare
 * both; `text` is absent where the whole must be converted). Anything else (another
 * root, a template using hooks, content React would hoist into `<head>`)
 * returns `undefined`, and the caller renders the whole tree.
 */
export function renderFramedEmail<D>(
  component: EmailTemplate<D>["component"],
  props: Parameters<EmailTemplate<D>["component"]>[0],
): FramedEmail | undefined {
  let tree: ReactElement;
  try {
    // A function component called as React would call it; hooks throw outside a render.
    tree = component(props);
  } catch {
    return undefined;
  }
  if (!isValidElement(tree) || tree.type !== Layout) return undefined;
  const { ctx: frame, preview, children } = tree.props as Parameters<typeof Layout>[0];
  const shell = shellFor(frame);
  if (!shell) return undefined;
  const previewHtml = previewParts(preview);
  const body = withoutImagePreloads(renderToStaticMarkup(createElement(Fragment, null, children)));
  if (!previewHtml || HOISTABLE.test(body)) return undefined;
  const [p0, p1, p2, p3, p4] = shell.parts;
  const [title, hidden] = previewHtml;
  const tail = shell.hasUrl ? `${p3}${escapeAttribute(frame.unsubscribeUrl!)}${p4}` : p3!;
  const html = `${p0}${title}${p1}${hidden}${p2}${body}${tail}`;
  const text = shell.text ? framedPlainText(shell.text, body, tail) : undefined;
  return text === undefined ? { html } : { html, text };
}
