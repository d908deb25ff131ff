/**
 * What htmlparser2 10's `Parser` (HTML mode) does beyond tokenising, as far
 * as `tokenizeReactMarkup` needs to know it to reproduce it or refuse.
 */

/** Void elements: never on the open-element stack, closed (implied) right after they open; `</br>` is special. */
export const VOID_ELEMENTS: ReadonlySet<string> = new Set([
  "area",
  "base",
  "basefont",
  "br",
  "col",
  "command",
  "embed",
  "frame",
  "hr",
  "img",
  "input",
  "isindex",
  "keygen",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
]);

/**
 * Elements whose content the tokenizer reads as text up to their close tag
 * (`title` decodes references when decoding is on). Not `iframe`,
 * `noscript`, `noembed`, `noframes` or `plaintext`: htmlparser2 parses
 * their content as markup.
 */
export const RAW_TEXT_ELEMENTS: ReadonlySet<string> = new Set([
  "script",
  "style",
  "title",
  "textarea",
  "xmp",
]);

/** Elements that start foreign content, where `/>` closes any element. */
export const FOREIGN_ELEMENTS: ReadonlySet<string> = new Set(["svg", "math"]);

const P: ReadonlySet<string> = new Set(["p"]);
const FORM: ReadonlySet<string> = new Set([
  "input",
  "option",
  "optgroup",
  "select",
  "button",
  "datalist",
  "textarea",
]);
const DD_DT: ReadonlySet<string> = new Set(["dd", "dt"]);
const RT_RP: ReadonlySet<string> = new Set(["rt", "rp"]);
const TABLE_SECTIONS: ReadonlySet<string> = new Set(["thead", "tbody"]);

/** Opened, these close the paragraph the parser is in. */
const CLOSING_P = [
  ...["p", "h1", "h2", "h3", "h4", "h5", "h6", "address", "article", "aside", "blockquote", "details", "div"],
  ...["dl", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "main", "nav", "ol", "pre"],
  ...["section", "table", "ul"],
];

/**
 * htmlparser2's `openImpliesClose`: opening the key first closes (implied)
 * the innermost open element while it is in the set, and repeats.
 */
export const IMPLIED_CLOSES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["tr", new Set(["tr", "th", "td"])],
  ["th", new Set(["th"])],
  ["td", new Set(["thead", "th", "td"])],
  ["body", new Set(["head", "link", "script"])],
  ["li", new Set(["li"])],
  ["option", new Set(["option"])],
  ["optgroup", new Set(["optgroup", "option"])],
  ["dd", DD_DT],
  ["dt", DD_DT],
  ["rt", RT_RP],
  ["rp", RT_RP],
  ["tbody", TABLE_SECTIONS],
  ["tfoot", TABLE_SECTIONS],
  ...["select", "input", "output", "button", "datalist", "textarea"].map((name) => [name, FORM] as const),
  ...CLOSING_P.map((name) => [name, P] as const),
]);
