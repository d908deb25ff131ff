/** @jsxRuntime automatic */
// Compiled by whichever workspace imports it (tsx or vitest); the pragma keeps JSX independent of that tsconfig.
import type { ReactElement } from "react";
import {
  Body,
  Button,
  Column,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Img,
  Link,
  Preview,
  Row,
  Section,
  Text,
} from "react-email";
import { renderEmailHtml } from "./email-html.ts";

/**
 * HTML to hold the fast plain-text converter against react-email's
 * `toPlainText`: documents rendered from react-email components (what our
 * e-mails are made of) with the awkward content a template may produce,
 * hand-written snippets for the rules on their own, and snippets that must
 * take html-to-text's path.
 */
export interface CorpusEntry {
  name: string;
  html: string;
}

function email(preview: string | undefined, children: ReactElement | ReactElement[]): string {
  return renderEmailHtml(
    <Html lang="en">
      <Head />
      {preview === undefined ? null : <Preview>{preview}</Preview>}
      <Body style={{ backgroundColor: "#fff" }}>
        <Container style={{ padding: "16px" }}>{children}</Container>
      </Body>
    </Html>,
  );
}

/** Rendered from react-email components; every one must take the fast path. */
export function renderedCorpus(): CorpusEntry[] {
  return [
    {
      name: "entities in text and attributes",
      html: email("Tom & Jerry's <deal>", [
        <Text key="1">Tom &amp; Jerry's "quotes" &lt;tags&gt; and 5 &gt; 3 &amp;&amp; 2 &lt; 4</Text>,
        <Link key="2" href="https://shop.example.com/?a=1&b=2&c='x'">
          Query &amp; quotes
        </Link>,
      ]),
    },
    {
      name: "non-breaking spaces are part of words",
      html: email(undefined, [
        <Text key="1">{"Price:\u00a0€\u00a010 and\u00a0 \u00a0spaced"}</Text>,
        <Text key="2">{"\u00a0"}</Text>,
        <Text key="3">{" \u00a0 leading nbsp"}</Text>,
      ]),
    },
    {
      name: "whitespace runs and newlines inside text",
      html: email("  spaced   preview  ", [
        <Text key="1">{"  Many    spaces\tand\ttabs\n\nand\r\nnewlines   "}</Text>,
        <Text key="2">{"\n\n   \n"}</Text>,
        <Text key="3">{"zero\u200bwidth\u200b space"}</Text>,
      ]),
    },
    {
      name: "empty paragraphs between paragraphs",
      html: email(undefined, [
        <Text key="1">First</Text>,
        <Text key="2" />,
        <Text key="3">{""}</Text>,
        <Text key="4">{"   "}</Text>,
        <Text key="5">Last</Text>,
      ]),
    },
    {
      name: "nested inline tags",
      html: email(undefined, [
        <Text key="1">
          Hello <strong>bold</strong>, <em>italic</em>, <b>b</b>
          <i>i</i>glued, <code>code()</code> and{" "}
          <span>
            <strong>
              <em>deeply</em> nested
            </strong>
          </span>{" "}
          text.
        </Text>,
        <Text key="2">
          <span> leading</span>
          <span>trailing </span>
          <span> both </span>end
        </Text>,
      ]),
    },
    {
      name: "links whose text is their href",
      html: email(undefined, [
        <Text key="1">
          Visit <Link href="https://example.com/a">https://example.com/a</Link> now.
        </Text>,
        <Text key="2">
          <Link href="https://example.com/b">
            <strong>https://example.com/b</strong>
          </Link>
        </Text>,
        <Text key="3">
          <Link href="https://example.com/c">https://example.com/c/</Link>
        </Text>,
      ]),
    },
    {
      name: "links with no href, empty href, in-page anchors",
      html: email(undefined, [
        <Text key="1">
          A <Link>plain link</Link>, an <Link href="">empty one</Link> and a <Link href="#top">jump</Link>.
        </Text>,
        <Text key="2">
          <Link href="https://example.com/empty" />
          and text
        </Text>,
      ]),
    },
    {
      name: "mailto links",
      html: email(undefined, [
        <Text key="1">
          Write to <Link href="mailto:help@example.com">help@example.com</Link> or{" "}
          <Link href="mailto:sales@example.com">our sales team</Link> or <Link href="mailto:">nobody</Link>.
        </Text>,
      ]),
    },
    {
      name: "buttons",
      html: email("Buttons", [
        <Button key="1" href="https://example.com/go" style={{ padding: "12px 20px" }}>
          Go there
        </Button>,
        <Button key="2" href="https://example.com/go2">
          https://example.com/go2
        </Button>,
        <Text key="3">After the buttons</Text>,
        <Button key="4">No target</Button>,
      ]),
    },
    {
      name: "headings h1 to h6",
      html: email(undefined, [
        <Heading key="1" as="h1">
          First level
        </Heading>,
        <Heading key="2" as="h2">
          Second level
        </Heading>,
        <Text key="p">Between headings</Text>,
        <Heading key="3" as="h3">
          Third <em>level</em> with <Link href="https://example.com/h">a link</Link>
        </Heading>,
        <Heading key="4" as="h4">
          Fourth straße
        </Heading>,
        <Heading key="5" as="h5">
          Fifth
        </Heading>,
        <Heading key="6" as="h6">
          Sixth
        </Heading>,
      ]),
    },
    {
      name: "hr between paragraphs",
      html: email(undefined, [
        <Text key="1">Above</Text>,
        <Hr key="2" />,
        <Hr key="3" />,
        <Text key="4">Below</Text>,
        <Hr key="5" />,
      ]),
    },
    {
      name: "br inside text",
      html: email(undefined, [
        <Text key="1">
          Line one
          <br />
          Line two
          <br />
          <br />
          Line four <br /> spaced
        </Text>,
        <Text key="2">
          <br />
          Starts with a break
        </Text>,
        <Text key="3">
          Ends with a break
          <br />
        </Text>,
      ]),
    },
    {
      name: "images with alt text",
      html: email(undefined, [
        <Img key="1" src="https://cdn.example.com/logo.png" alt="Logo" width="100" height="40" />,
        <Text key="2">
          Before <Img src="https://cdn.example.com/x.png" alt="inline image" /> after
        </Text>,
        <Link key="3" href="https://example.com/img">
          <Img src="https://cdn.example.com/banner.png" alt="Banner" />
        </Link>,
      ]),
    },
    {
      name: "text directly in columns",
      html: email(undefined, [
        <Section key="1">
          <Row>
            <Column>Left cell</Column>
            <Column align="right">Right cell</Column>
          </Row>
          <Row>
            <Column>
              Text <strong>in</strong> cell
            </Column>
            <Column />
          </Row>
        </Section>,
      ]),
    },
    {
      name: "nested tables",
      html: email(undefined, [
        <Section key="1">
          <Row>
            <Column>
              <Section>
                <Row>
                  <Column>
                    <Text>Deep paragraph</Text>
                  </Column>
                  <Column>Deep text</Column>
                </Row>
              </Section>
              Trailing text in outer cell
            </Column>
          </Row>
        </Section>,
        <Text key="2">After the tables</Text>,
      ]),
    },
    {
      name: "preview text only",
      html: email("Only a preview", <Section>{null}</Section>),
    },
    {
      name: "a long preview is skipped",
      html: email("x".repeat(200), <Text>Body text</Text>),
    },
    {
      name: "order-like layout",
      html: email("Your order", [
        <Heading key="h">Thanks &amp; welcome</Heading>,
        <Section key="s">
          {[1, 2, 3].map((n) => (
            <Row key={n}>
              <Column>
                {n} × Item {n}
              </Column>
              <Column align="right">€{n}.00</Column>
            </Row>
          ))}
        </Section>,
        <Hr key="hr" />,
        <Text key="t">
          Questions? <Link href="mailto:help@example.com">Contact us</Link>.
        </Text>,
      ]),
    },
    {
      name: "link around a block",
      html: email(undefined, [
        <Link key="1" href="https://example.com/block">
          <Text>Paragraph in a link</Text>
        </Link>,
        <Text key="2">Next</Text>,
      ]),
    },
    {
      name: "unicode and emoji",
      html: email("🎉 Party", [
        <Heading key="1">ǆemal ﬁle ß ı</Heading>,
        <Text key="2">Emoji 🎉🎉 and CJK 你好 and RTL שלום</Text>,
      ]),
    },
  ];
}

/** Hand-written snippets for single rules; all are within the fast converter's subset. */
export const snippetCorpus: CorpusEntry[] = [
  { name: "bare text", html: "just text" },
  { name: "empty", html: "" },
  { name: "whitespace only", html: " \n\t " },
  {
    name: "entities React writes",
    html: "<p>&amp; &lt; &gt; &quot; &#x27; &#39; &nbsp;x&nbsp; &amp;lt;</p>",
  },
  {
    name: "entities htmlparser2 has to decode",
    html: '<p>&#8202; &copy; &bogus; &LT; &#128; &amp</p><a href="https://x.example/?a=1&copy=2&amp;b">x</a>',
  },
  {
    name: "image in paragraph",
    html: '<p>Hi <img src="x.png" alt="logo"> <a href="https://e.com/o/1">order</a></p>',
  },
  { name: "skip attribute on any element", html: '<p>a<span data-skip-in-text="true">hidden</span>b</p>' },
  {
    name: "skip attribute with another value is not skipped",
    html: '<p>a<span data-skip-in-text="false">shown</span><span data-skip-in-text="TRUE">shown</span></p>',
  },
  {
    name: "no body: head text counts",
    html: "<html><head><title>Title &amp; co</title></head><p>Para</p></html>",
  },
  {
    name: "style and script are dropped",
    html: "<style>p { color: red }</style><p>x</p><script>var a = 1;</script>y",
  },
  { name: "text outside body", html: "<html>before<body><p>in</p></body>after</html>" },
  {
    name: "a skipped body, then another",
    html: '<html><body data-skip-in-text="true"><p>hidden</p></body><body><p>shown</p></body></html>',
  },
  { name: "implied closes", html: "<p>one<p>two<div>three</div></p>four" },
  { name: "stray closing tags", html: "a</p>b</br>c</span>d" },
  { name: "comments split text", html: "<p>foo<!-- c -->bar <!-- c --> baz</p>" },
  { name: "heading then inline", html: "<h1><div>x</div></h1>after" },
  { name: "link around heading", html: '<a href="https://x.example"><h2>https://x.example</h2></a>' },
  { name: "link in heading", html: '<h2><a href="https://x.example/Up">https://x.example/Up</a></h2>' },
  { name: "href with spaces", html: '<a href="a b">a b</a> <a href="  ">blank</a>' },
  {
    name: "nested links",
    html: '<a href="https://o.example">out <a href="https://i.example">in</a> tail</a>',
  },
  { name: "hr inside a link", html: '<a href="https://x.example">see<hr>more</a>' },
  { name: "breaks around blocks", html: "<p>a</p><br>b<br><div>c</div><br>" },
  { name: "table without body", html: "<table><tr><td>a</td><td>b</td></tr><tr><th>h</th></tr></table>tail" },
  { name: "upper case tags and attributes", html: '<P>Up<BR>case <A HREF="https://x.example">link</A></P>' },
];

/** Outside the fast converter's subset: these must go to html-to-text. */
export const fallbackCorpus: CorpusEntry[] = [
  { name: "unordered list", html: "<p>Items:</p><ul><li>one</li><li>two</li></ul>" },
  { name: "ordered list", html: '<ol start="3"><li>three</li><li>four</li></ol>' },
  { name: "pre", html: "<pre>  keep\n    this   spacing</pre>" },
  { name: "blockquote", html: "<blockquote><p>quoted</p>text</blockquote>" },
  { name: "data table", html: '<table data-text-format="dataTable"><tr><th>a</th><td>b</td></tr></table>' },
  { name: "wbr", html: "<p>long<wbr>word</p>" },
  { name: "unknown tag", html: "<section><p>in a section</p></section>" },
  { name: "body only in a comment", html: "<!-- <body> --><p>x</p>" },
  { name: "tag cut off at the end", html: '<p>x</p><div class="y' },
];
