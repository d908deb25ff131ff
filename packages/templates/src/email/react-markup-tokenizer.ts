import type { Handler } from "htmlparser2";
import { FOREIGN_ELEMENTS, IMPLIED_CLOSES, RAW_TEXT_ELEMENTS, VOID_ELEMENTS } from "./htmlparser2-rules.ts";
import { knownName, matchesLowerName, nameHash } from "./markup-names.ts";

/**
 * The handler callbacks `tokenizeReactMarkup` calls, with htmlparser2's
 * signatures. `onparserinit`, `onreset`, `onerror` and the CDATA callbacks
 * are never called (there is no parser object, and CDATA is refused).
 */
export type ReactMarkupHandler = Partial<
  Pick<
    Handler,
    | "onopentagname"
    | "onattribute"
    | "onopentag"
    | "onclosetag"
    | "ontext"
    | "oncomment"
    | "oncommentend"
    | "onprocessinginstruction"
    | "onend"
  >
>;

/** The input is outside what `tokenizeReactMarkup` reproduces; htmlparser2 must parse it. */
export class MarkupRefused extends Error {
  override readonly name = "MarkupRefused";
}

/**
 * Calls `handler` as htmlparser2's `Parser` would for `html` (HTML mode,
 * `decodeEntities: false`), for the markup React's static renderer writes,
 * jumping with `indexOf` from one `<` or quote to the next where
 * htmlparser2's tokenizer steps through every character. Consecutive
 * `ontext` calls may be cut differently; their concatenation is the same.
 *
 * Throws `MarkupRefused` on anything where htmlparser2 does more than
 * tokenise, or whose tokens are ambiguous: implied closes, a close tag that
 * is not for the innermost open element, `/>` on a non-void element,
 * `<svg>`/`<math>`, unquoted values, whitespace around `=`, unusual
 * characters in names, CDATA, processing instructions, declarations other
 * than a doctype, unusual comment or close-tag forms, and input ending
 * inside markup. The events delivered until then are htmlparser2's first
 * events (the last text possibly cut short): the handler's state is
 * incomplete, never wrong, and any error it threw itself it would also have
 * thrown on htmlparser2's events.
 */
export function tokenizeReactMarkup(
  html: string,
  handler: ReactMarkupHandler,
  options: TokenizeOptions = {},
): string[] {
  const reader = new ReactMarkupReader(html, handler, [...(options.open ?? [])]);
  reader.read(options.partial ?? false);
  return reader.openElements();
}

/** For markup read in parts (a frame's head, its content, its tail), each part starting and ending between tags. */
export interface TokenizeOptions {
  /** Elements open before this part, outermost first (what the previous part returned). Default none. */
  open?: readonly string[];
  /** More markup follows: elements still open stay open, and `onend` is not called. Default false. */
  partial?: boolean;
}

class ReactMarkupReader {
  /** Where the name `readName` read last ends. */
  private lastNameEnd = 0;

  constructor(
    private readonly html: string,
    private readonly handler: ReactMarkupHandler,
    /** Open elements, innermost last (htmlparser2 keeps it the other way round). */
    private readonly stack: string[],
  ) {}

  openElements(): string[] {
    return this.stack;
  }

  read(partial: boolean): void {
    const { html, handler, stack } = this;
    let textStart = 0;
    let lt = html.indexOf("<");
    while (lt !== -1) {
      const next = html.charCodeAt(lt + 1);
      let end: number;
      if (isAsciiAlpha(next)) {
        this.text(textStart, lt);
        end = this.openTag(lt + 1);
      } else if (next === SLASH) {
        this.text(textStart, lt);
        end = this.closeTag(lt + 2);
      } else if (next === BANG) {
        this.text(textStart, lt);
        end = this.commentOrDoctype(lt + 2);
      } else if (next === QUESTION) {
        throw new MarkupRefused("processing instruction");
      } else {
        // htmlparser2 keeps a `<` that starts no markup (`a < b`, a trailing `<`) as text.
        lt = html.indexOf("<", lt + 1);
        continue;
      }
      textStart = end;
      lt = html.indexOf("<", end);
    }
    this.text(textStart, html.length);
    if (partial) return;
    // As htmlparser2 does at the end: elements still open close, innermost first, as implied closes.
    for (let i = stack.length - 1; i >= 0; i--) handler.onclosetag?.(stack[i]!, true);
    handler.onend?.();
  }

  /** The name from `start`, lower-cased as htmlparser2 reports it in HTML mode; its end goes to `lastNameEnd`. */
  private readName(start: number): string {
    const html = this.html;
    let hash = 0;
    let upper = false;
    let i = start;
    for (; ; i++) {
      const c = html.charCodeAt(i);
      if (isPlainNameChar(c)) {
        hash = nameHash(hash, c);
      } else if (isUpperAlpha(c)) {
        hash = nameHash(hash, c + 32);
        upper = true;
      } else {
        break;
      }
    }
    this.lastNameEnd = i;
    const known = knownName(html, start, i, hash);
    if (known !== undefined) return known;
    const name = html.slice(start, i);
    // ASCII only, so `toLowerCase` is what htmlparser2 does.
    return upper ? name.toLowerCase() : name;
  }

  private text(start: number, end: number): void {
    if (end > start) this.handler.ontext?.(this.html.slice(start, end));
  }

  /** `<name attr="value"…>` from just after the `<`; returns the index after it (after the close tag for raw text). */
  private openTag(start: number): number {
    const { html, handler, stack } = this;
    const name = this.readName(start);
    let i = this.lastNameEnd;
    let c = html.charCodeAt(i);
    if (!(c === GT || c === SLASH || isWhitespace(c))) throw new MarkupRefused("unusual tag name");
    if (FOREIGN_ELEMENTS.has(name)) throw new MarkupRefused("foreign content");
    const innermost = stack[stack.length - 1];
    if (innermost !== undefined && IMPLIED_CLOSES.get(name)?.has(innermost)) {
      throw new MarkupRefused("implied close");
    }
    const isVoid = VOID_ELEMENTS.has(name);
    if (!isVoid) stack.push(name);
    handler.onopentagname?.(name);
    const attribs: Record<string, string> = {};
    for (;;) {
      while (isWhitespace(c)) c = html.charCodeAt(++i);
      if (c === GT) {
        i++;
        break;
      }
      if (c === SLASH) {
        if (html.charCodeAt(i + 1) !== GT) throw new MarkupRefused("stray / in a tag");
        // Outside foreign content htmlparser2 ignores `/>` on a non-void element: it stays open.
        if (!isVoid) throw new MarkupRefused("self-closing non-void element");
        i += 2;
        break;
      }
      i = this.attribute(i, attribs);
      c = html.charCodeAt(i);
    }
    handler.onopentag?.(name, attribs, false);
    if (isVoid) {
      handler.onclosetag?.(name, true);
      return i;
    }
    return RAW_TEXT_ELEMENTS.has(name) ? this.rawText(i, name) : i;
  }

  /** One attribute from its first character; returns the index after it. Of duplicates the first counts. */
  private attribute(start: number, attribs: Record<string, string>): number {
    const html = this.html;
    const name = this.readName(start);
    if (name === "") throw new MarkupRefused("unusual attribute name");
    let i = this.lastNameEnd;
    const c = html.charCodeAt(i);
    let value = "";
    let quote: string | undefined;
    if (c === EQUALS) {
      const q = html.charCodeAt(i + 1);
      if (q !== DOUBLE_QUOTE && q !== SINGLE_QUOTE) {
        throw new MarkupRefused(isWhitespace(q) ? "whitespace after =" : "unquoted attribute value");
      }
      quote = q === DOUBLE_QUOTE ? '"' : "'";
      const close = html.indexOf(quote, i + 2);
      if (close === -1) throw new MarkupRefused("input ends in an attribute value");
      value = html.slice(i + 2, close);
      i = close + 1;
    } else if (isWhitespace(c)) {
      // `name = "value"` is still a value for htmlparser2, and an attribute is only over once the next one starts.
      let j = i + 1;
      while (isWhitespace(html.charCodeAt(j))) j++;
      const next = html.charCodeAt(j);
      if (next === EQUALS) throw new MarkupRefused("whitespace before =");
      if (Number.isNaN(next)) throw new MarkupRefused("input ends in a tag");
    } else if (c !== GT && c !== SLASH) {
      throw new MarkupRefused(Number.isNaN(c) ? "input ends in a tag" : "unusual attribute name");
    }
    this.handler.onattribute?.(name, value, quote);
    if (!Object.hasOwn(attribs, name)) attribs[name] = value;
    return i;
  }

  /**
   * The content of a raw-text element up to its close tag, which must be
   * `</name>` exactly. htmlparser2 ends the content at the first `</name`
   * (ASCII case-insensitive) followed by `>` or whitespace; it compares with
   * `c | 0x20`, so U+000F and U+001C can pass for `/` and `<`: refused.
   */
  private rawText(start: number, name: string): number {
    const html = this.html;
    let close = html.indexOf("</", start);
    for (; close !== -1; close = html.indexOf("</", close + 2)) {
      if (!matchesLowerName(html, close + 2, name)) continue;
      const after = html.charCodeAt(close + 2 + name.length);
      if (after === GT) break;
      if (isWhitespace(after)) throw new MarkupRefused("unusual close tag");
    }
    if (close === -1) throw new MarkupRefused("input ends in raw text");
    const content = html.slice(start, close);
    if (content.includes("\x0f") || content.includes("\x1c")) {
      throw new MarkupRefused("control character in raw text");
    }
    if (content) this.handler.ontext?.(content);
    this.stack.pop();
    this.handler.onclosetag?.(name, false);
    return close + name.length + 3;
  }

  /** `</name>` from just after the `</`: only the innermost open element may close, and only in this form. */
  private closeTag(start: number): number {
    const { html, stack } = this;
    if (!isAsciiAlpha(html.charCodeAt(start))) throw new MarkupRefused("unusual close tag");
    const end = nameEnd(html, start);
    if (html.charCodeAt(end) !== GT) throw new MarkupRefused("unusual close tag");
    const name = stack[stack.length - 1];
    // htmlparser2 closes the elements in between, ignores the tag, or turns `</p>` and `</br>` into elements.
    if (name === undefined || end - start !== name.length || !matchesLowerName(html, start, name)) {
      throw new MarkupRefused("close tag for another element");
    }
    stack.pop();
    this.handler.onclosetag?.(name, false);
    return end + 1;
  }

  /** `<!--…-->` or `<!DOCTYPE …>` from just after the `<!`. */
  private commentOrDoctype(start: number): number {
    const { html, handler } = this;
    const c = html.charCodeAt(start);
    if (c === DASH && html.charCodeAt(start + 1) === DASH) {
      const from = start + 2;
      // htmlparser2 ends `<!-->` and `<!--->` at their `>` (with odd data).
      const first = html.charCodeAt(from);
      if (first === GT || (first === DASH && html.charCodeAt(from + 1) === GT)) {
        throw new MarkupRefused("abrupt comment");
      }
      const end = html.indexOf("-->", from);
      if (end === -1) throw new MarkupRefused("input ends in a comment");
      handler.oncomment?.(html.slice(from, end));
      handler.oncommentend?.();
      return end + 3;
    }
    if (!isAsciiAlpha(c)) throw new MarkupRefused("CDATA or unusual declaration");
    const end = html.indexOf(">", start);
    if (end === -1) throw new MarkupRefused("input ends in a declaration");
    const value = html.slice(start, end);
    // htmlparser2's instruction name: up to the first `\s` (Unicode spaces too) or `/`, lower case.
    const nameLength = value.search(INSTRUCTION_NAME_END);
    const name = (nameLength === -1 ? value : value.slice(0, nameLength)).toLowerCase();
    if (name !== "doctype") throw new MarkupRefused("declaration other than a doctype");
    handler.onprocessinginstruction?.(`!${name}`, `!${value}`);
    return end + 1;
  }
}

const INSTRUCTION_NAME_END = /\s|\//;

const TAB = 9;
const NEWLINE = 10;
const FORM_FEED = 12;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const BANG = 33;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const DASH = 45;
const SLASH = 47;
const EQUALS = 61;
const GT = 62;
const QUESTION = 63;

/** htmlparser2's whitespace (not the Unicode spaces `\s` has). */
function isWhitespace(c: number): boolean {
  return c === SPACE || c === NEWLINE || c === TAB || c === FORM_FEED || c === CARRIAGE_RETURN;
}

function isAsciiAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isUpperAlpha(c: number): boolean {
  return c >= 65 && c <= 90;
}

/**
 * Name characters accepted besides upper case. htmlparser2 takes anything
 * up to whitespace, `/`, `>` (and `=` in attributes), quotes and `<`
 * included; React writes only these.
 */
function isPlainNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 58) || c === DASH || c === 95 || c === 46;
}

/** Index just past the name starting at `start` (possibly `start` itself). */
function nameEnd(html: string, start: number): number {
  let i = start;
  for (let c = html.charCodeAt(i); isPlainNameChar(c) || isUpperAlpha(c); c = html.charCodeAt(++i));
  return i;
}
