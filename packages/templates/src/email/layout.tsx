/** @jsxRuntime automatic */
// Compiled by whichever workspace imports it (tsx or vitest); the pragma keeps JSX independent of that tsconfig.
import type { ReactNode } from "react";
import type { RenderContext } from "../define-notification.ts";
import { messagesFor } from "../i18n/messages.ts";
import { Body, Container, Head, Hr, Html, Link, Preview, Section, Text } from "./components.ts";

const page = {
  backgroundColor: "#f4f5f7",
  fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
};
const card = {
  backgroundColor: "#ffffff",
  borderRadius: "8px",
  margin: "24px auto",
  maxWidth: "560px",
  padding: "32px",
};
const brand = {
  color: "#4f46e5",
  fontSize: "14px",
  fontWeight: 700,
  letterSpacing: "0.04em",
  margin: "0 0 24px",
};
const footer = { color: "#6b7280", fontSize: "12px", lineHeight: "18px" };

/**
 * What the frame may depend on. Nothing else of the render context reaches
 * it, so that it can be rendered once per locale, language and brand (`renderFramedEmail`).
 */
export type LayoutFrame = Pick<RenderContext, "locale" | "language" | "brandName" | "unsubscribeUrl">;

/**
 * The frame every Herald e-mail shares: brand line, card, footer with the
 * unsubscribe link when allowed. Its words and `<html lang>` follow the
 * content's language (`ctx.language`, else the locale's), the words in
 * English where there is no dictionary for it (`messagesFor`).
 */
export function Layout({
  ctx,
  preview,
  children,
}: {
  ctx: LayoutFrame;
  preview: string;
  children?: ReactNode;
}) {
  const language = ctx.language ?? ctx.locale.split("-")[0] ?? "en";
  const t = messagesFor(language).messages;
  return (
    <Html lang={language}>
      <Head />
      <Preview>{preview}</Preview>
      {/* react-email's Body says lang="en" on the body and its cell unless told: that would override the html's. */}
      <Body style={page} lang={language}>
        <Container style={card}>
          <Text style={brand}>{ctx.brandName.toUpperCase()}</Text>
          {children}
          <Hr style={{ borderColor: "#e5e7eb", margin: "32px 0 16px" }} />
          <Section>
            <Text style={footer}>
              {t.footer(ctx.brandName)}
              {ctx.unsubscribeUrl ? (
                <>
                  {" "}
                  <Link href={ctx.unsubscribeUrl} style={{ color: "#6b7280", textDecoration: "underline" }}>
                    {t.unsubscribe}
                  </Link>
                </>
              ) : null}
            </Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

export const heading = {
  color: "#111827",
  fontSize: "22px",
  fontWeight: 700,
  lineHeight: "30px",
  margin: "0 0 12px",
};
export const paragraph = { color: "#374151", fontSize: "15px", lineHeight: "24px", margin: "0 0 16px" };
export const button = {
  backgroundColor: "#4f46e5",
  borderRadius: "6px",
  color: "#ffffff",
  display: "inline-block",
  fontSize: "15px",
  fontWeight: 600,
  padding: "12px 20px",
  textDecoration: "none",
};
