import { Parser } from "htmlparser2";
import { EntityNotDecoded, StreamingConverter } from "./plain-text-converter.ts";
import { MarkupRefused, tokenizeReactMarkup } from "./react-markup-tokenizer.ts";

/**
 * The plain-text part of an e-mail in one pass over htmlparser2's events,
 * for the HTML our React e-mails produce. html-to-text (what react-email's
 * `toPlainText` runs) builds a DOM, matches every element against a compiled
 * selector tree and then walks the DOM: that costs more CPU per e-mail than
 * React rendering the HTML. Here the same parser (same tokenizer, same
 * implied open/close events, hence the same tree) feeds a copy of
 * html-to-text's text builder directly. For React's own markup a faster
 * tokenizer gives the same events (see `tokenizeReactMarkup`).
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
  return fastPlainTextWithPass(html)?.text;
}

/**
 * How the converter got its events: `tokenizeReactMarkup`, or (when that
 * refuses the markup) htmlparser2, and htmlparser2 decoding character
 * references when the text has some `decodeReactEntities` does not know.
 */
export type PlainTextPass = "react-markup" | "htmlparser2" | "htmlparser2-decoding";

/**
 * `fastPlainText` with the pass that produced the text, so that tests can
 * tell our e-mails take the fastest one.
 */
export function fastPlainTextWithPass(html: string): { text: string; pass: PlainTextPass } | undefined {
  // html-to-text truncates longer input; not worth reproducing.
  if (html.length > MAX_INPUT_LENGTH) return undefined;
  const hasBody = BODY_TAG.test(html);
  let pass: PlainTextPass = "react-markup";
  for (;;) {
    try {
      return { text: convert(html, hasBody, pass), pass };
    } catch (error) {
      // Until it refuses, the tokenizer gives htmlparser2's events: the converter's own exits stand.
      if (error instanceof MarkupRefused) {
        pass = "htmlparser2";
      } else if (error instanceof EntityNotDecoded && pass !== "htmlparser2-decoding") {
        pass = "htmlparser2-decoding";
      } else {
        return undefined;
      }
    }
  }
}

/**
 * Throws `Unsupported` for HTML outside the subset (the planned exit; any
 * other error would be a bug here, and html-to-text is always right, so the
 * caller treats both alike), and `MarkupRefused` when `tokenizeReactMarkup`
 * cannot vouch for its events. Unless the pass is `htmlparser2-decoding`,
 * the tokenizer leaves character references alone and skips quickly
 * through text and attribute values; `decodeReactEntities` then decodes the
 * text and attributes we use, and any reference it does not know throws
 * `EntityNotDecoded`, after which `fastPlainText` parses again with
 * htmlparser2 decoding. Whether the parser decodes or not, it emits the
 * same tags: a reference never contains `<`, `>` or a quote.
 */
function convert(html: string, hasBody: boolean, pass: PlainTextPass): string {
  const parserDecodes = pass === "htmlparser2-decoding";
  const converter = new StreamingConverter(hasBody, parserDecodes);
  if (pass === "react-markup") {
    tokenizeReactMarkup(html, converter);
  } else {
    new Parser(converter, parserDecodes ? DECODING : NOT_DECODING).end(html);
  }
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
