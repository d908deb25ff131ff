import { plainTextSelectors } from "@react-email/render";
import { compile } from "html-to-text";
import { fastPlainText } from "./fast-plain-text.ts";

/**
 * html-to-text set up as react-email's `toPlainText` sets it up. `toPlainText`
 * calls `convert`, which compiles its selector set again on every call;
 * compiling once removes most of that cost.
 */
const htmlToTextAsReactEmail: (html: string) => string = compile({
  wordwrap: false,
  selectors: plainTextSelectors,
});

/**
 * The plain-text part of an e-mail, exactly as react-email's `toPlainText`
 * makes it. Even compiled, html-to-text's DOM building and selector matching
 * cost a sending worker more CPU than rendering the HTML, so the e-mails we
 * render go through a single-pass converter; a document using HTML that
 * converter does not reproduce exactly goes to html-to-text.
 */
export function htmlToPlainText(html: string): string {
  return fastPlainText(html) ?? htmlToTextAsReactEmail(html);
}
