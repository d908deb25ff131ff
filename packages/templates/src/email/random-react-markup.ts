import { createElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";

/**
 * Test input for `tokenizeReactMarkup`: documents React's static renderer
 * writes for random element trees (nesting HTML forbids included), with
 * awkward text and attribute values, raw HTML (some of it malformed) through
 * `dangerouslySetInnerHTML`, and afterwards, in some documents, what React
 * never writes: upper-case tag and attribute names, unquoted and
 * single-quoted values. The same seed gives the same document.
 */
export function randomReactMarkup(seed: number): string {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  const attributes = (): Record<string, unknown> => {
    const props: Record<string, unknown> = {};
    for (let n = Math.floor(random() * 4); n > 0; n--) {
      const name = pick(ATTRIBUTES);
      const value = pick(VALUES);
      // React warns (and changes nothing) about an empty href and a `;` in a style value.
      if (name === "hidden") props[name] = true;
      else if (name === "style") props[name] = { color: value.replaceAll(";", "") };
      else props[name] = name === "href" && value === "" ? "#" : value;
    }
    return props;
  };

  const node = (depth: number): ReactNode => {
    const r = random();
    if (depth > 5 || r < 0.25) return pick(TEXTS);
    if (r < 0.35) return createElement(pick(VOID_TAGS), attributes());
    if (r < 0.45) {
      return createElement(pick(["div", "span", "td", "p"]), { ...attributes(), ...rawHtml(pick(SNIPPETS)) });
    }
    if (r < 0.5) return createElement(pick(["style", "script"]), rawHtml(pick(RAW)));
    if (r < 0.52) return createElement("textarea", { defaultValue: pick(TEXTS) });
    const children = Array.from({ length: Math.floor(random() * 4) }, () => node(depth + 1));
    return createElement(pick(CONTAINER_TAGS), attributes(), ...children);
  };

  const body = Array.from({ length: 1 + Math.floor(random() * 4) }, () => node(0));
  let html = renderToStaticMarkup(
    random() < 0.3
      ? createElement("html", null, createElement("head", null), createElement("body", null, ...body))
      : createElement("div", attributes(), ...body),
  );
  if (random() < 0.3) html = `<!DOCTYPE html>${html}`;
  if (random() < 0.2)
    html = html.replace(/<(\/?)([a-z][a-z0-9]*)/g, (m, slash, name) =>
      random() < 0.5 ? `<${slash}${name.toUpperCase()}` : m,
    );
  if (random() < 0.2)
    html = html.replace(/ ([a-z-]+)="/gi, (m, name) => (random() < 0.5 ? ` ${name.toUpperCase()}="` : m));
  if (random() < 0.1) html = html.replace(/="([^"\s>]*)"/g, (m, value) => (random() < 0.3 ? `=${value}` : m));
  if (random() < 0.1) html = html.replace(/="([^"']*)"/g, (m, value) => (random() < 0.5 ? `='${value}'` : m));
  return html;
}

/**
 * Short strings of markup fragments in random order: what no renderer
 * writes, to hold the tokenizer's refusals and its handling of broken
 * markup against htmlparser2's.
 */
export function randomMarkupSoup(seed: number): string {
  const random = mulberry32(seed);
  let soup = "";
  for (let n = 1 + Math.floor(random() * 40); n > 0; n--) soup += SOUP[Math.floor(random() * SOUP.length)];
  return soup;
}

const SOUP = [
  ...[
    "<",
    ">",
    "/",
    "!",
    "-",
    "?",
    "=",
    '"',
    "'",
    " ",
    "\n",
    "\f",
    "&",
    "[",
    "CDATA[",
    "DOCTYPE",
    "\u001c",
    "\u000f",
  ],
  ...[
    "a",
    "b",
    "p",
    "div",
    "td",
    "tr",
    "br",
    "img",
    "style",
    "script",
    "title",
    "A",
    "x",
    "1",
    ":",
    "_",
    "hr",
    "li",
  ],
  ...["option", "table", "TEXTAREA", "xmp", "svg", "-->", "<!--", "</", "/>"],
];

/** Props that make React write `html` as it is (the point here: the output is only ever tokenized). */
function rawHtml(html: string): { dangerouslySetInnerHTML: { __html: string } } {
  return { dangerouslySetInnerHTML: { __html: html } };
}

/** A small, well-known seeded generator: deterministic across runs and platforms. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONTAINER_TAGS = [
  ...["p", "div", "table", "tbody", "thead", "tr", "td", "th", "a", "span", "strong", "em", "b", "center"],
  ...["h1", "h2", "h3", "h4", "h5", "h6", "section", "ul", "ol", "li", "noscript", "font", "dl", "dd", "dt"],
  ...["button", "form", "blockquote", "pre", "code", "o:p"],
];
const VOID_TAGS = ["br", "hr", "img", "input", "wbr", "col"];
const ATTRIBUTES = [
  ...["className", "id", "title", "alt", "href", "data-x", "aria-label", "lang", "dir", "cellPadding"],
  ...["colSpan", "hidden", "style", "data-skip-in-text", "align"],
];
const VALUES = [
  ...["a & b", "<x>", '"q"', "it's", "&amp;", "&copy;", "x > y", "", "https://e.example/?a=1&b=2"],
  ...["  ", "=", "/", "a/b>c", "true", "ünï €"],
];
const TEXTS = [
  ...["Tom & Jerry", "<b>not a tag</b>", "5 > 3 < 4", '"quoted"', "it's", "&amp; literally", "&copy;"],
  ...["  spaced  out  ", "\n", "a<!--b-->c", "€ 10", "zero\u200bwidth", "", "x", "</p>", "<"],
];
const SNIPPETS = [
  ...["<p>unclosed", "</div>", "<br>", "<BR>", '<DIV CLASS="X">up</DIV>', "<a href=x>unquoted</a>", "<!-->"],
  ...["<![CDATA[x]]>", "<?php echo 1 ?>", "<td>cell", "<li>item", "a < b", "<", "x</p>y", "<img src='q'>"],
  ...['<span title = "sp">s</span>', "<svg><circle/></svg>", "&copy; &bogus; &#128;", "<div/>", "<!-- c -->"],
  ...[
    "<input disabled>",
    "<p>a<div>b</div></p>",
    "<table><tr><td>1<td>2</table>",
    "<title>A &amp; B</title>",
  ],
  ...[
    "<option>o<option>p",
    '<a b"c="d">',
    "<dd>d<dt>t",
    "<b><i>x</b></i>",
    "<!DOCTYPE html>",
    "</>",
    "</ b>",
  ],
  ...["<tr><td>x</td></tr>", '<a href="x" href="y">dup</a>', "<p>a<hr>b</p>", "<math></math>", "<!x>"],
];
const RAW = [
  ...["p { color: red }", "a<b", "if (a<b && c>d) {}", "</style >", "x</STYLE>y", "</scriptx>", "<!-- -->"],
  ...['document.write("<\\/script>")', "\u001c/style>", "", "</style", "a</stylex>b"],
];
