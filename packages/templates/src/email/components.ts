import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as ReactEmail from "react-email";

/** The react-email components the catalog, the frame and the digest use. */
type Components = Pick<
  typeof ReactEmail,
  | "Body"
  | "Button"
  | "Column"
  | "Container"
  | "Head"
  | "Heading"
  | "Hr"
  | "Html"
  | "Link"
  | "Preview"
  | "Row"
  | "Section"
  | "Text"
>;

/** Each component's module in react-email's `dist/components` (one file each, importing only React). */
const FILES: Record<keyof Components, string> = {
  Body: "body/body.mjs",
  Button: "button/button.mjs",
  Column: "column/column.mjs",
  Container: "container/container.mjs",
  Head: "head/head.mjs",
  Heading: "heading/heading.mjs",
  Hr: "hr/hr.mjs",
  Html: "html/html.mjs",
  Link: "link/link.mjs",
  Preview: "preview/preview.mjs",
  Row: "row/row.mjs",
  Section: "section/section.mjs",
  Text: "text/text.mjs",
};

/**
 * react-email's index loads every component it has: CodeBlock's Prism
 * grammars, Tailwind's compiler, the Markdown parser. That is ~41 MB of RSS
 * in every API and worker process, against ~14 MB for the components used
 * here. Its `exports` map offers only the index, so the components are
 * imported from their files; if a future layout moves them, the index is
 * loaded instead (the same components, only heavier).
 */
async function loadComponents(): Promise<{ components: Components; from: "files" | "index" }> {
  try {
    const dist = dirname(createRequire(import.meta.url).resolve("react-email"));
    const entries = await Promise.all(
      Object.entries(FILES).map(async ([name, file]) => {
        const mod = (await import(pathToFileURL(join(dist, "components", file)).href)) as Record<
          string,
          unknown
        >;
        if (!mod[name]) throw new Error(`react-email: no ${name} in ${file}`);
        return [name, mod[name]] as const;
      }),
    );
    return { components: Object.fromEntries(entries) as unknown as Components, from: "files" };
  } catch {
    return { components: await import("react-email"), from: "index" };
  }
}

const loaded = await loadComponents();

/** Where the components came from: their own files, or react-email's whole index (the fallback). */
export const componentsLoadedFrom = loaded.from;

export const { Body, Button, Column, Container, Head, Heading, Hr, Html, Link, Preview, Row, Section, Text } =
  loaded.components;
