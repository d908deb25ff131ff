import type { Handler } from "htmlparser2";
import { LinkText, PlainTextBuilder } from "./plain-text-builder.ts";
import { decodeReactEntities } from "./react-entities.ts";

/** html-to-text walks the DOM recursively; rather than reason about its stack at great depth, leave that to it. */
const MAX_DEPTH = 256;

/** HTML outside the converter's subset (the planned exit): the caller uses html-to-text. */
class Unsupported extends Error {}

/** A character reference `decodeReactEntities` does not know: parse again with the parser decoding. */
export class EntityNotDecoded extends Error {}

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

/**
 * Builds `fastPlainText`'s text from parser events (see there for the
 * element rules). Throws `Unsupported` for HTML outside the subset, and
 * `EntityNotDecoded` (parser not decoding) for a character reference that
 * `decodeReactEntities` does not know.
 */
export class StreamingConverter implements Partial<Handler> {
  private builder = new PlainTextBuilder();
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

  /**
   * A converter in this one's state, to go on from with more markup (an
   * e-mail's content after its frame's head); `undefined` while a link or a
   * heading is open, whose words are shared state.
   */
  copy(): StreamingConverter | undefined {
    const builder = this.builder.copy();
    if (!builder || this.links.length > 0) return undefined;
    const copy = new StreamingConverter(this.hasBody, this.parserDecodes);
    copy.builder = builder;
    copy.frames.push(...this.frames);
    copy.depth = this.depth;
    copy.skipDepth = this.skipDepth;
    copy.outside = this.outside;
    copy.bodySeen = this.bodySeen;
    copy.pendingText = this.pendingText;
    copy.unfinishedOpenTags = this.unfinishedOpenTags;
    return copy;
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
