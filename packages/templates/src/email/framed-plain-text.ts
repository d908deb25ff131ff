import { StreamingConverter } from "./plain-text-converter.ts";
import { tokenizeReactMarkup } from "./react-markup-tokenizer.ts";

/** Where converting a frame's markup stands once its head (everything before the content) is read. */
export interface FrameTextStart {
  converter: StreamingConverter;
  /** Elements open at that point, outermost first. */
  open: string[];
}

/**
 * Reads a frame's head once: the plain text of every e-mail in that frame
 * starts from this state. The preview in the head is the frame's marker, not
 * the e-mail's: it sits in `<title>` (outside `<body>`) and in a
 * `data-skip-in-text` element, so it never reaches the text, and neither can
 * change the state after them. `null` when the head is outside what the
 * markup tokenizer and the converter reproduce.
 */
export function readFrameHead(head: string): FrameTextStart | null {
  // A framed document always has its <body>.
  const converter = new StreamingConverter(true, false);
  try {
    const open = tokenizeReactMarkup(head, converter, { partial: true });
    return { converter, open };
  } catch {
    return null;
  }
}

/**
 * The plain text of a framed e-mail from its frame's head state, its content
 * and the frame's tail: the same events, in the same order, as reading the
 * whole document, so the same text `htmlToPlainText` gives for it.
 * `undefined` whenever the whole document would have needed another path
 * (markup the tokenizer refuses, a character reference it leaves to
 * htmlparser2, HTML html-to-text must convert): the caller converts the whole.
 */
export function framedPlainText(start: FrameTextStart, content: string, tail: string): string | undefined {
  const converter = start.converter.copy();
  if (!converter) return undefined;
  try {
    const open = tokenizeReactMarkup(content, converter, { open: start.open, partial: true });
    tokenizeReactMarkup(tail, converter, { open });
    return converter.finish();
  } catch {
    return undefined;
  }
}
