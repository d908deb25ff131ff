import { type Handler, Parser } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { catalog } from "../catalog/index.ts";
import { renderDigest } from "../digest/render-digest.ts";
import { renderContext, renderNotification } from "../render.ts";
import { IMPLIED_CLOSES, VOID_ELEMENTS } from "./htmlparser2-rules.ts";
import { fallbackCorpus, renderedCorpus, snippetCorpus } from "./plain-text-corpus.tsx";
import { randomMarkupSoup, randomReactMarkup } from "./random-react-markup.ts";
import { MarkupRefused, tokenizeReactMarkup } from "./react-markup-tokenizer.ts";

type ParserEvent = [string, ...unknown[]];

/** Every callback htmlparser2's Parser makes but `onparserinit`; text pieces joined, as the converter joins them. */
class Recorder implements Partial<Handler> {
  readonly events: ParserEvent[] = [];
  onopentagname(name: string) {
    this.record(["opentagname", name]);
  }
  onattribute(name: string, value: string, quote?: string | null) {
    this.record(["attribute", name, value, quote]);
  }
  onopentag(name: string, attribs: Record<string, string>, isImplied: boolean) {
    this.record(["opentag", name, attribs, isImplied]);
  }
  onclosetag(name: string, isImplied: boolean) {
    this.record(["closetag", name, isImplied]);
  }
  ontext(data: string) {
    const last = this.events.at(-1);
    if (last?.[0] === "text") last[1] += data;
    else this.record(["text", data]);
  }
  oncomment(data: string) {
    this.record(["comment", data]);
  }
  oncommentend() {
    this.record(["commentend"]);
  }
  oncdatastart() {
    this.record(["cdatastart"]);
  }
  oncdataend() {
    this.record(["cdataend"]);
  }
  onprocessinginstruction(name: string, data: string) {
    this.record(["processinginstruction", name, data]);
  }
  onend() {
    this.record(["end"]);
  }
  onerror(error: Error) {
    this.record(["error", error.message]);
  }
  onreset() {
    this.record(["reset"]);
  }
  private record(event: ParserEvent) {
    this.events.push(event);
  }
}

function htmlparser2Events(html: string): ParserEvent[] {
  const recorder = new Recorder();
  new Parser(recorder, { decodeEntities: false }).end(html);
  return recorder.events;
}

/**
 * Tokenizes `html` and holds the events against htmlparser2's: equal when
 * accepted; when refused, what was delivered is a prefix (the last text
 * possibly cut short). Returns the refusal's reason, if any.
 */
function check(html: string): string | undefined {
  const expected = htmlparser2Events(html);
  const recorder = new Recorder();
  try {
    tokenizeReactMarkup(html, recorder);
  } catch (error) {
    if (!(error instanceof MarkupRefused)) throw error;
    const events = recorder.events;
    const last = events.at(-1);
    const whole = last?.[0] === "text" ? events.slice(0, -1) : events;
    expect(whole, html).toStrictEqual(expected.slice(0, whole.length));
    if (last?.[0] === "text") {
      const [kind, text] = expected[whole.length] ?? [];
      expect(kind, html).toBe("text");
      expect((text as string).startsWith(last[1] as string), html).toBe(true);
    }
    return error.message;
  }
  expect(recorder.events, html).toStrictEqual(expected);
  return undefined;
}

const LOCALES = ["en-US", "de-DE", "fr-FR", "ja-JP", "ar-EG"];

async function catalogEmails(): Promise<{ name: string; html: string }[]> {
  const out = [];
  for (const def of Object.values(catalog)) {
    if (!def.templates.email) continue;
    for (const locale of LOCALES) {
      for (const unsubscribeUrl of ["https://h.example/u/tok?a=1&b=2", undefined]) {
        const ctx = renderContext({ userId: "u_1", locale, unsubscribeUrl, brandName: "Tom & Jerry's" });
        const rendered = await renderNotification(def, "email", def.example, ctx);
        if (rendered.channel !== "email") throw new Error("expected an e-mail");
        out.push({
          name: `${def.type} ${locale} ${unsubscribeUrl ? "with" : "without"} unsubscribe`,
          html: rendered.html,
        });
      }
    }
  }
  return out;
}

describe("tokenizeReactMarkup", () => {
  it("gives htmlparser2's events for every catalog e-mail, in several locales, without refusing", async () => {
    const emails = await catalogEmails();
    expect(emails.length).toBeGreaterThanOrEqual(4 * LOCALES.length * 2);
    for (const { name, html } of emails) expect(check(html), name).toBeUndefined();
  });

  it("gives htmlparser2's events for a digest e-mail (react-email's render()) without refusing", async () => {
    const entries = [
      { title: "A & B", body: "<b>", url: "https://shop.example.com/1?x=1&y=2" },
      { title: "C" },
    ];
    const ctx = renderContext({ userId: "u_1", unsubscribeUrl: "https://h.example/u/tok" });
    const out = await renderDigest("email", entries, "weekly", ctx);
    if (out.channel !== "email") throw new Error("expected an e-mail");
    expect(check(out.html)).toBeUndefined();
  });

  it.each(renderedCorpus())("gives htmlparser2's events for $name without refusing", ({ html }) => {
    expect(check(html)).toBeUndefined();
  });

  it.each([...snippetCorpus, ...fallbackCorpus])(
    "gives htmlparser2's events for $name, or refuses",
    ({ html }) => {
      check(html);
    },
  );

  it("gives htmlparser2's events, or refuses, for 1,500 random React documents", () => {
    const reasons = new Map<string, number>();
    let accepted = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const reason = check(randomReactMarkup(seed));
      if (reason === undefined) accepted++;
      else reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    // The set must exercise both sides: plenty of documents tokenized, and refusals of many kinds.
    expect(accepted).toBeGreaterThan(300);
    expect(reasons.size).toBeGreaterThanOrEqual(8);
  });

  it("gives htmlparser2's events, or refuses, for 20,000 strings of markup fragments", () => {
    let accepted = 0;
    for (let seed = 1; seed <= 20_000; seed++) if (check(randomMarkupSoup(seed)) === undefined) accepted++;
    expect(accepted).toBeGreaterThan(5_000);
  });

  it("gives htmlparser2's events, or refuses, for every pair of elements with rules in htmlparser2", () => {
    const names = new Set(["span", "svg", "script", "title", ...VOID_ELEMENTS, ...IMPLIED_CLOSES.keys()]);
    for (const set of IMPLIED_CLOSES.values()) for (const name of set) names.add(name);
    let refused = 0;
    for (const outer of names) {
      for (const inner of names) {
        const close = (name: string) => (VOID_ELEMENTS.has(name) ? "" : `</${name}>`);
        const html = `<${outer} id="o">a<${inner}>b${close(inner)}c${close(outer)}d`;
        if (check(html) !== undefined) refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it.each([
    ["upper-case tag and attribute names", '<DIV CLASS="x" Data-X="y">a</DiV><BR/><Br>'],
    ["duplicate attributes: the first value counts", '<a href="1" HREF="2" href="3">x</a>'],
    ["attributes without a value", '<input disabled><td nowrap class="x">y</td><br clear/><img src="x" alt>'],
    ["whitespace in tags", '<div\n\tclass="a"\r\n  id="b" >x</div><br /><img\fsrc="x"alt="y">'],
    ["single-quoted values", "<a title='say \"hi\"' href=''>x</a>"],
    ["markup characters in values", '<a title="a>b<c/d=e\'f" data-x="&lt;&amp;&#x27;">x</a>'],
    ["prototype names as attributes", '<a constructor="x" __proto__="y" hasownproperty="z">x</a>'],
    ["`<` that starts no tag", "a < b, a <3 b, <<b>x</b> <é <1> <"],
    ["references left alone", "<p>&amp;lt; &copy; &#x27; &bogus &</p>"],
    ["raw text with markup in it", "<style>a<b>c</b>{}</style><script>if (a<b && c>d) {}</script>"],
    ["raw text closed in another case", "<STYLE>x</style><style>y</STYLE><Title>t</TITLE>"],
    ["raw text with look-alike close tags", "<style>a</stylex>b</style/>c</scrip</style><script><</script>"],
    ["empty raw text", "<style></style><title></title><textarea></textarea>"],
    ["RCDATA and xmp", "<title>A &amp; B <b></title><textarea><p>x</textarea><xmp><b></xmp>"],
    [
      "noscript and iframe are markup for htmlparser2",
      "<noscript><b>x</b></noscript><iframe><i>y</i></iframe>",
    ],
    ["elements open at the end", "<div><span>x"],
    ["comments", "<!-- --><!----><!--[if mso]><b>x</b><![endif]--><!-- a ---><!--a-- >b-->"],
    [
      "doctypes",
      '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "x.dtd"><!doctype html><!DOCTYPE>',
    ],
    ["namespaced tags", "<o:p>x</o:p>"],
    ["void elements in blocks", "<div><hr><img src=\"x\"><br/></div><p>a<br>b<img alt='c'/></p>"],
    ["empty input", ""],
    ["text only", " just\ntext "],
  ])("reproduces %s", (_, html) => {
    expect(check(html)).toBeUndefined();
  });

  it.each([
    ["implied close", "<p>a<div>b</div></p>"],
    ["implied close", "<table><tr><td>a<td>b</td></tr></table>"],
    ["implied close", "<ul><li>a<li>b</li></ul>"],
    ["implied close", "<select><option>a<option>b</option></select>"],
    ["implied close", "<p>a<hr/>b</p>"],
    ["implied close", "<p><table></table></p>"],
    ["implied close", "<html><head><body></body></html>"],
    ["close tag for another element", "<div><span>a</div>"],
    ["close tag for another element", "a</p>b"],
    ["close tag for another element", "a</br>b"],
    ["close tag for another element", '<img src="x"></img>'],
    ["close tag for another element", "<b><i>x</b></i>"],
    ["self-closing non-void element", "<div/>text"],
    ["self-closing non-void element", "<script/>alert(1)"],
    ["foreign content", '<svg><path d="M0"/></svg>'],
    ["foreign content", "<MATH></MATH>"],
    ["input ends in raw text", "<style>p{}"],
    ["unusual close tag", "<style>x</style >"],
    ["control character in raw text", "<style>a</s\u001c/style>b</style>"],
    ["control character in raw text", "<title>\u000f</title>"],
    ["unquoted attribute value", "<a href=x>y</a>"],
    ["whitespace before =", '<a href ="x">y</a>'],
    ["whitespace after =", '<a href= "x">y</a>'],
    ["unusual tag name", '<a"b>x</a"b>'],
    ["unusual attribute name", '<a b"c="d">x</a>'],
    ["unusual attribute name", "<a =b>x</a>"],
    ["stray / in a tag", '<a / href="x">y</a>'],
    ["CDATA or unusual declaration", "<![CDATA[x]]>"],
    ["CDATA or unusual declaration", "<!>"],
    ["processing instruction", '<?xml version="1.0"?>'],
    ["declaration other than a doctype", "<!ELEMENT x>"],
    ["abrupt comment", "a<!-->b"],
    ["abrupt comment", "a<!--->b"],
    ["input ends in a comment", "a<!-- b"],
    ["CDATA or unusual declaration", "a<!-x->b"],
    ["unusual close tag", "<div></ div>"],
    ["unusual close tag", "<div></div foo>"],
    ["unusual close tag", "a</>b"],
    ["unusual close tag", "a</1>b"],
    ["unusual tag name", "<div"],
    ["input ends in an attribute value", '<div class="x'],
    ["input ends in a tag", "<div class"],
    ["input ends in a tag", "<div class "],
    ["unusual close tag", "<div>x</div"],
    ["input ends in a declaration", "<!DOCTYPE html"],
    ["CDATA or unusual declaration", "a<!"],
    ["unusual close tag", "a</"],
  ])("refuses (%s): %j", (reason, html) => {
    expect(check(html)).toBe(reason);
  });
});
