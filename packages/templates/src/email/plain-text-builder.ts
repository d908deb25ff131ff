/**
 * A re-implementation of html-to-text's `BlockTextBuilder` for exactly the
 * settings react-email's `toPlainText` uses (`wordwrap: false`, no
 * `preserveNewlines`, no `encodeCharacters`, no `<pre>`, no lists, no data
 * tables). The fast converter drives it from parser events; the arithmetic
 * of line breaks below has to match html-to-text's to the character, so it
 * follows that code step by step (v10.0.1, `lib/html-to-text.mjs`), including
 * its quirks, which are pointed out where they matter.
 *
 * What is simplified, and why that is safe:
 * - Without word wrap a line never fills up, so html-to-text's per-line word
 *   arrays are only ever joined with single spaces: a line is kept here as
 *   that joined string, plus whether it has any word yet.
 * - Completed lines are kept as one string, each line followed by "\n", so
 *   `toString()` is that string plus the current line, the same as joining
 *   all lines with "\n".
 */

/** html-to-text's default `whitespaceCharacters`: ' \t\r\n\f\u200b'. Not U+00A0: `&nbsp;` is part of a word. */
function isHtmlWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13 || code === 12 || code === 0x200b;
}

function containsWords(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (!isHtmlWhitespace(text.charCodeAt(i))) return true;
  }
  return false;
}

/** One open block: html-to-text's `BlockStackItem` with its `InlineTextBuilder` folded in. */
class Block {
  /** Text of finished child blocks (and inline text before them), already joined with line breaks. */
  rawText = "";
  /** Line breaks owed after the last child block, paid only if more content follows. */
  stashedLineBreaks = 0;
  /** Completed inline lines, each followed by "\n". */
  doneLines = "";
  /** The inline line being built, words joined with one space. */
  line = "";
  lineHasWords = false;
  /** Whitespace was seen after the last word: the next word is pushed, not glued on. Not reset by `clear()`. */
  stashedSpace = false;

  constructor(
    public leadingLineBreaks: number,
    public readonly parent: Block | undefined,
  ) {}

  inlineIsEmpty(): boolean {
    return this.doneLines === "" && !this.lineHasWords;
  }

  /** html-to-text's `getText`. */
  text(): string {
    return this.inlineIsEmpty() ? this.rawText : this.rawText + this.doneLines + this.line;
  }

  startNewLine(count: number): void {
    this.doneLines += count === 1 ? `${this.line}\n` : this.line + "\n".repeat(count);
    this.line = "";
    this.lineHasWords = false;
  }

  pushWord(word: string): void {
    this.line = this.lineHasWords ? `${this.line} ${word}` : word;
    this.lineHasWords = true;
  }

  /** Glue onto the last word of the line (a word split only by markup, `foo<b>bar</b>`). */
  concatWord(word: string): void {
    this.line = this.lineHasWords ? this.line + word : word;
    this.lineHasWords = true;
  }

  /** This block and its ancestors, copied. */
  copyChain(): Block {
    const copy = new Block(this.leadingLineBreaks, this.parent?.copyChain());
    copy.rawText = this.rawText;
    copy.stashedLineBreaks = this.stashedLineBreaks;
    copy.doneLines = this.doneLines;
    copy.line = this.line;
    copy.lineHasWords = this.lineHasWords;
    copy.stashedSpace = this.stashedSpace;
    return copy;
  }

  /** Keeps `stashedSpace`, as html-to-text's `InlineTextBuilder.clear()` does. */
  clearInline(): void {
    this.doneLines = "";
    this.line = "";
    this.lineHasWords = false;
  }
}

/** Marks an uppercase transform on the word-transform stack (headings). */
const UPPERCASE = 0;

/** Collects the words of a link's text (before any outer transform), to compare them with its href. */
export class LinkText {
  text = "";
}

type WordTransform = typeof UPPERCASE | LinkText;

/** The subset of `BlockTextBuilder` the fast converter needs. */
export class PlainTextBuilder {
  private block = new Block(1, undefined);
  /** Innermost transform last; html-to-text applies the innermost first. */
  private readonly transforms: WordTransform[] = [];

  /** A copy to go on from, or `undefined` while a word transform (heading, link) is open. */
  copy(): PlainTextBuilder | undefined {
    if (this.transforms.length > 0) return undefined;
    const copy = new PlainTextBuilder();
    copy.block = this.block.copyChain();
    return copy;
  }

  openBlock(leadingLineBreaks: number): void {
    this.block = new Block(leadingLineBreaks, this.block);
  }

  closeBlock(trailingLineBreaks: number): void {
    const block = this.block;
    const parent = block.parent;
    if (!parent) throw new Error("closeBlock without an open block");
    this.block = parent;
    this.addText(
      block.text(),
      block.leadingLineBreaks,
      Math.max(block.stashedLineBreaks, trailingLineBreaks),
    );
  }

  /**
   * html-to-text's `addText`: a finished child block joins its parent. An
   * empty child still costs its line breaks when the parent already has text
   * (so an empty `<p>` between two paragraphs adds two blank lines), and a
   * first child *replaces* the parent's own leading line breaks.
   */
  private addText(text: string, leadingLineBreaks: number, trailingLineBreaks: number): void {
    const block = this.block;
    const parentText = block.text();
    const lineBreaks = Math.max(block.stashedLineBreaks, leadingLineBreaks);
    block.clearInline();
    if (parentText) {
      block.rawText = parentText + "\n".repeat(lineBreaks) + text;
    } else {
      block.rawText = text;
      block.leadingLineBreaks = lineBreaks;
    }
    block.stashedLineBreaks = trailingLineBreaks;
  }

  pushUppercase(): void {
    this.transforms.push(UPPERCASE);
  }

  pushLinkText(link: LinkText): void {
    this.transforms.push(link);
  }

  popTransform(): void {
    this.transforms.pop();
  }

  /** `<br>`: a new line in the current block; stashed block breaks are left as they are, as html-to-text does. */
  addLineBreak(): void {
    this.block.startNewLine(1);
  }

  /**
   * html-to-text's `addInline` followed by `WhitespaceProcessor.shrinkWrapAdd`:
   * HTML whitespace runs collapse to one space, whitespace at the start of a
   * line is dropped, and text that starts without whitespace is glued onto
   * the previous word. `raw` skips the word transforms (a link's href is
   * neither uppercased in a heading nor counted as link text).
   */
  addInline(text: string, raw = false): void {
    const block = this.block;
    if (text.length === 0 || (block.stashedLineBreaks && !containsWords(text))) return;
    if (block.stashedLineBreaks) block.startNewLine(block.stashedLineBreaks);

    const transforms = raw ? undefined : this.transforms;
    const previouslyStashedSpace = block.stashedSpace;
    const n = text.length;
    let anyWord = false;
    let i = 0;
    while (i < n) {
      while (i < n && isHtmlWhitespace(text.charCodeAt(i))) i++;
      if (i === n) break;
      const start = i;
      while (i < n && !isHtmlWhitespace(text.charCodeAt(i))) i++;
      let word = text.slice(start, i);
      if (transforms && transforms.length > 0) word = applyTransforms(word, transforms);
      if (anyWord || previouslyStashedSpace || start > 0) {
        block.pushWord(word);
      } else {
        block.concatWord(word);
      }
      anyWord = true;
    }
    block.stashedSpace = (previouslyStashedSpace && !anyWord) || isHtmlWhitespace(text.charCodeAt(n - 1));
    block.stashedLineBreaks = 0;
  }

  /** The finished text; trailing line breaks still stashed are never written, as in html-to-text. */
  toString(): string {
    let root = this.block;
    while (root.parent) root = root.parent;
    return root.text();
  }
}

function applyTransforms(word: string, transforms: WordTransform[]): string {
  let out = word;
  for (let t = transforms.length - 1; t >= 0; t--) {
    const transform = transforms[t]!;
    if (transform === UPPERCASE) {
      out = out.toUpperCase();
    } else if (out) {
      transform.text += out;
    }
  }
  return out;
}
