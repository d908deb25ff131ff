/**
 * Tag and attribute names as string constants. A name cut out of the
 * markup is a new string each time: looking it up in a Set or using it as
 * an attribute key makes V8 hash it and search its string table, which was
 * a fifth of tokenizing an e-mail. A constant is hashed and internalized
 * once, so the tokenizer hands out the constant whenever the markup spells
 * one of these names.
 */
export const MARKUP_NAMES: readonly string[] = [
  // Tags.
  ...["html", "head", "body", "meta", "title", "link", "style", "script", "base", "noscript"],
  ...["table", "thead", "tbody", "tfoot", "tr", "td", "th", "col", "colgroup", "caption"],
  ...["p", "div", "span", "a", "img", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "wbr"],
  ...["strong", "b", "em", "i", "u", "s", "code", "small", "sup", "sub", "font", "center", "mark"],
  ...["del", "ins", "ul", "ol", "li", "pre", "blockquote", "section", "article", "header", "footer"],
  ...["main", "nav", "button", "label", "input", "form", "select", "option", "textarea", "o:p"],
  // Attributes.
  ...["style", "class", "id", "href", "src", "alt", "width", "height", "align", "valign", "border"],
  ...["cellpadding", "cellspacing", "role", "dir", "lang", "target", "rel", "content", "name"],
  ...["http-equiv", "charset", "type", "title", "colspan", "rowspan", "bgcolor", "color", "hidden"],
  ...["data-id", "data-skip-in-text", "data-text-format", "xmlns", "value", "face", "size"],
];

const SLOT_BITS = 10;
const PROBES = 4;
const TABLE: (string | undefined)[] = new Array(1 << SLOT_BITS).fill(undefined);

/** One step of a name's hash: folds in its next character code, lower-cased. */
export function nameHash(hash: number, lowerCode: number): number {
  return (Math.imul(hash, 31) + lowerCode) | 0;
}

/** Short names hash to nearby numbers: multiplying spreads them over the table (Fibonacci hashing). */
function slotOf(hash: number, probe: number): number {
  return ((Math.imul(hash, 0x9e3779b1) >>> (32 - SLOT_BITS)) + probe) & ((1 << SLOT_BITS) - 1);
}

for (const name of new Set(MARKUP_NAMES)) {
  let hash = 0;
  for (let k = 0; k < name.length; k++) hash = nameHash(hash, name.charCodeAt(k));
  for (let probe = 0; probe < PROBES; probe++) {
    const slot = slotOf(hash, probe);
    if (TABLE[slot] === undefined) {
      TABLE[slot] = name;
      break;
    }
  }
}

/**
 * The constant for the name at `html[start, end)` (ASCII, any case, whose
 * lower-cased codes fold to `hash`), or `undefined` when it is none of ours.
 */
export function knownName(html: string, start: number, end: number, hash: number): string | undefined {
  const length = end - start;
  for (let probe = 0; probe < PROBES; probe++) {
    const name = TABLE[slotOf(hash, probe)];
    if (name === undefined) return undefined;
    if (name.length === length && matchesLowerName(html, start, name)) return name;
  }
  return undefined;
}

/**
 * Whether `name` (lower case) is at `at` in any case. Of the characters a
 * name may have, only letters differ from another one by 32.
 */
export function matchesLowerName(html: string, at: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    const c = html.charCodeAt(at + k);
    const expected = name.charCodeAt(k);
    if (c !== expected && c !== expected - 32) return false;
  }
  return true;
}
