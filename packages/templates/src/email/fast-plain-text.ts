import { type Handler, Parser } from "htmlparser2";
import { LinkText, PlainTextBuilder } from "./plain-text-builder.ts";
import { decodeReactEntities } from "./react-entities.ts";

/**
 * The plain-text part of an e-mail in one pass over htmlparser2's events,
 * for the HTML our React e-mails produce. html-to-text (what react-email's
 * `toPlainText` runs) builds a DOM, matches every element against a compiled
 * selector tree and then walks the DOM: that costs more CPU per e-mail than
 * React rendering the HTML. Here the same parser (same tokenizer, same
 * implied open/close events, hence the same tree) feeds a copy of
 * html-to-text's text builder directly.
 *
 * The element rules below are what html-to-text's defaults merged with
 * react-email's `plainTextSelectors` give (`wordwrap: false`):
 * - `p` block, 2 line breaks before and after; `div`, `td`, `th` 1 and 1;
 *   `table` 2 and 2 (never a data table: `tables` is empty);
 * - `h1`–`h3` 3 before, 2 after, `h4`–`h6` 2 and 2, words uppercased;
 * - `hr` a block of 40 '-'; `br` a new line;
 * - `a` with an href (after dropping a leading `mailto:`; `#…` counts as
 *   none) adds " href" after its text, or the href alone when it has no
 *   text, and nothing when the text equals the href; no brackets;
 * - `img`, `[data-skip-in-text=true]`, and `script`/`style` (not "tag"
 *   nodes for html-to-text's walk) are dropped with their content;
 * - every other element is inline: only its content counts;
 * - when the document has a `<body>`, only what is inside it counts.
 *
 * Anything else returns `undefined` so the caller can use html-to-text:
 * lists, `pre`, `blockquote`, the other block elements html-to-text knows,
 * `wbr`, `data-text-format` (react-email's data-table switch), any tag not
 * on the known inline list, a `<body` that is no body element, a tag cut
 * off at the end, very deep nesting and over-long input.
 */
export function fastPlainText(html: string): string | undefined {
  // html-to-text truncates longer input; not worth reproducing.
  if (html.length > MAX_INPUT_LENGTH) return undefined;
  const hasBody = BODY_TAG.test(html);
  try {
    return convert(html, hasBody, false);
  } catch (error) {
    if (!(error instanceof EntityNotDecoded)) return undefined;
  }
  try {
    return convert(html, hasBody, true);
  } catch {
    return undefined;
  }
}

/**
 * Throws `Unsupported` for HTML outside the subset (the planned exit; any
 * other error would be a bug here, and html-to-text is always right, so the
 * caller treats both alike). With `parserDecodes` off, htmlparser2 leaves
 * character references alone and skips quickly through text and attribute
 * values; `decodeReactEntities` then decodes the text and attributes we
 * use, and any reference it does not know throws `EntityNotDecoded`, after
 * which `fastPlainText` parses again with htmlparser2 decoding. Whether the
 * parser decodes or not, it emits the same tags: a reference never contains
 * `<`, `>` or a quote.
 */
function convert(html: string, hasBody: boolean, parserDecodes: boolean): string {
  const converter = new StreamingConverter(hasBody, parserDecodes);
  new Parser(converter, parserDecodes ? DECODING : NOT_DECODING).end(html);
  return converter.finish();
}

const MAX_INPUT_LENGTH = 1 << 24;

/** As html-to-text calls `parseDocument`: the parser's HTML-mode defaults, entities decoded. */
const DECODING = { decodeEntities: true };
const NOT_DECODING = { decodeEntities: false };

/**
 * Whether to expect a `<body>` (html-to-text then converts only its
 * content). A match that is no body element (in a comment, `<bodyx>`) is
 * caught at the end: no body was opened, so the document falls back.
 */
const BODY_TAG = /<body/i;

/** html-to-text walks the DOM recursively; rather than reason about its stack at great depth, leave that to it. */
const MAX_DEPTH = 256;

class Unsupported extends Error {}
class EntityNotDecoded extends Error {}

/** Elements html-to-text formats as plain inline (the `*` selector) that our e-mails use. */
const INLINE_TAGS = new Set([
  "html",
  "head",
  "body",
  "meta",
  "title",
  "link",
  "tbody",
  "thead",
  "tfoot",
  "tr",
  "span",
  "strong",
  "b",
  "em",
  "i",
  "u",
  "s",
  "code",
  "small",
  "sup",
  "sub",
  "font",
  "center",
  "mark",
  "del",
  "ins",
]);

/** What closing an element does; an open element is one of these on the frame stack. */
const Close = { Nothing: 0, Block1: 1, Block2: 2, Heading: 3, Link: 4 } as const;
type Close = (typeof Close)[keyof typeof Close];

class StreamingConverter implements Partial<Handler> {
  private readonly builder = new PlainTextBuilder();
  /** Open elements whose content counts. */
  private readonly frames: Close[] = [];
  private readonly links: { href: string; text: LinkText }[] = [];
  /** All open elements, counted or not (html-to-text recurses through all of them). */
  private depth = 0;
  /** Open elements inside a dropped one (img, skip-in-text, script, style, hr, br), the dropped one included. */
  private skipDepth = 0;
  /** Outside `<body>` when the document has one: nothing counts. */
  private outside: boolean;
  private bodySeen = false;
  /** htmlparser2 reports one text node in pieces (around entities); html-to-text sees them joined. */
  private pendingText = "";
  /**
   * Tags cut off inside their attributes (`<a href="…` at the end of the
   * input): the parser closes them without ever having opened them in the
   * DOM. Rare enough to leave to html-to-text.
   */
  private unfinishedOpenTags = 0;

  constructor(
    private readonly hasBody: boolean,
    private readonly parserDecodes: boolean,
  ) {
    this.outside = hasBody;
  }

  onopentagname(): void {
    this.unfinishedOpenTags++;
  }

  onopentag(name: string, attribs: Record<string, string>): void {
    this.unfinishedOpenTags--;
    this.flushText();
    if (++this.depth > MAX_DEPTH) throw new Unsupported();
    if (this.skipDepth > 0) {
      this.skipDepth++;
      return;
    }
    if (this.outside) {
      // Only body elements are where html-to-text starts, wherever they are; nothing around them counts.
      if (name === "body") {
        this.bodySeen = true;
        // The body itself is formatted like any element: a skip-in-text body gives nothing.
        if (this.dropped(attribs)) {
          this.skipDepth = 1;
        } else {
          this.outside = false;
          this.frames.push(Close.Nothing);
        }
      }
      return;
    }
    if (this.dropped(attribs)) {
      this.skipDepth = 1;
      return;
    }
    const b = this.builder;
    switch (name) {
      case "p":
      case "table":
        b.openBlock(2);
        this.frames.push(Close.Block2);
        return;
      case "div":
      case "td":
      case "th":
        b.openBlock(1);
        this.frames.push(Close.Block1);
        return;
      case "h1":
      case "h2":
      case "h3":
        b.openBlock(3);
        b.pushUppercase();
        this.frames.push(Close.Heading);
        return;
      case "h4":
      case "h5":
      case "h6":
        b.openBlock(2);
        b.pushUppercase();
        this.frames.push(Close.Heading);
        return;
      case "a": {
        const href = linkTarget(attribs.href === undefined ? undefined : this.decode(attribs.href));
        if (href) {
          const text = new LinkText();
          b.pushLinkText(text);
          this.links.push({ href, text });
          this.frames.push(Close.Link);
        } else {
          this.frames.push(Close.Nothing);
        }
        return;
      }
      case "hr":
        // The rule goes through the word transforms like text (harmless uppercase, counted as link text).
        b.openBlock(2);
        b.addInline("-".repeat(40));
        b.closeBlock(2);
        this.skipDepth = 1;
        return;
      case "br":
        b.addLineBreak();
        this.skipDepth = 1;
        return;
      case "img":
      case "script":
      case "style":
        this.skipDepth = 1;
        return;
    }
    if (!INLINE_TAGS.has(name)) throw new Unsupported();
    this.frames.push(Close.Nothing);
  }

  onclosetag(): void {
    this.flushText();
    this.depth--;
    if (this.skipDepth > 0) {
      this.skipDepth--;
      return;
    }
    if (this.outside) return;
    const frame = this.frames.pop();
    const b = this.builder;
    switch (frame) {
      case Close.Block1:
        b.closeBlock(1);
        break;
      case Close.Block2:
        b.closeBlock(2);
        break;
      case Close.Heading:
        b.popTransform();
        b.closeBlock(2);
        break;
      case Close.Link: {
        b.popTransform();
        const { href, text } = this.links.pop()!;
        // hideLinkHrefIfSameAsText compares with the link's words joined without spaces; linkBrackets is off.
        if (href !== text.text) b.addInline(text.text ? ` ${href}` : href, true);
        break;
      }
    }
    if (this.hasBody && this.frames.length === 0) this.outside = true;
  }

  ontext(data: string): void {
    if (this.skipDepth === 0 && !this.outside) this.pendingText += data;
  }

  // A comment or processing instruction (`<!DOCTYPE>`) ends a DOM text node: text around it is two nodes.
  oncomment(): void {
    this.flushText();
  }

  onprocessinginstruction(): void {
    this.flushText();
  }

  finish(): string {
    this.flushText();
    if (this.hasBody !== this.bodySeen || this.unfinishedOpenTags !== 0) throw new Unsupported();
    return this.builder.toString();
  }

  private flushText(): void {
    if (this.pendingText === "") return;
    const text = this.decode(this.pendingText);
    this.pendingText = "";
    this.builder.addInline(text);
  }

  /**
   * `[data-skip-in-text=true]` (specificity 0,1,0) beats every tag selector;
   * selderee compares the value case-sensitively. `[data-text-format]` would
   * pick a data-table format: not reproduced.
   */
  private dropped(attribs: Record<string, string>): boolean {
    if (attribs["data-text-format"] !== undefined) throw new Unsupported();
    const skip = attribs["data-skip-in-text"];
    return skip !== undefined && this.decode(skip) === "true";
  }

  private decode(raw: string): string {
    if (this.parserDecodes) return raw;
    const decoded = decodeReactEntities(raw);
    if (decoded === undefined) throw new EntityNotDecoded();
    return decoded;
  }
}

/** html-to-text's anchor href with react-email's options: `mailto:` dropped, in-page anchors ignored. */
function linkTarget(href: string | undefined): string {
  if (!href) return "";
  const target = href.startsWith("mailto:") ? href.slice(7) : href;
  return target[0] === "#" ? "" : target;
}
