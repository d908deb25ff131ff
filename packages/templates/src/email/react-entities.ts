/**
 * Decodes the character references React writes when it escapes text and
 * attribute values (`&amp;` `&lt;` `&gt;` `&quot;` `&#x27;`), plus `&#39;`
 * and `&nbsp;`, which hand-written templates use. Letting htmlparser2 decode
 * instead makes its tokenizer step through every character of text and
 * attribute values (long inline styles) rather than skip to the next `<` or
 * quote, which is a good part of the parse.
 *
 * Each of these, written in full with its `;`, decodes to the same character
 * in htmlparser2's text and attribute modes alike, and nothing after the `;`
 * can extend it. Any other `&` (other names, other numbers, a missing `;`,
 * where the modes differ and legacy rules apply) returns `undefined`: the
 * caller then lets htmlparser2 decode.
 */
export function decodeReactEntities(text: string): string | undefined {
  let amp = text.indexOf("&");
  if (amp === -1) return text;
  let out = "";
  let from = 0;
  while (amp !== -1) {
    REFERENCE.lastIndex = amp + 1;
    const reference = REFERENCE.exec(text);
    if (reference === null) return undefined;
    out += text.slice(from, amp) + DECODED[reference[0]]!;
    from = REFERENCE.lastIndex;
    amp = text.indexOf("&", from);
  }
  return out + text.slice(from);
}

/** A reference we decode, up to its `;`, matched right after the `&` (sticky). */
const REFERENCE = /(?:amp|lt|gt|quot|#x27|#39|nbsp);/y;

const DECODED: Record<string, string> = {
  "amp;": "&",
  "lt;": "<",
  "gt;": ">",
  "quot;": '"',
  "#x27;": "'",
  "#39;": "'",
  "nbsp;": "\u00a0",
};
