/**
 * The language a translated message was written in (a BCP 47 tag as the
 * catalog spells it, `de`); absent when the type's default (English)
 * templates were used.
 */
type Language = { language?: string };

/** What a channel's template produced; stored so the dashboard shows exactly what was sent. */
export type RenderedContent = Language &
  (
    | {
        channel: "email";
        subject: string;
        html: string;
        text: string;
        preview?: string;
        /**
         * Extra message headers the provider must send as they are, e.g. RFC 8058
         * `List-Unsubscribe` + `List-Unsubscribe-Post` on every non-required e-mail.
         */
        headers?: Record<string, string>;
      }
    | { channel: "sms"; text: string }
    | {
        channel: "push";
        title: string;
        body: string;
        url?: string;
        icon?: string;
        data?: Record<string, unknown>;
      }
    | { channel: "in_app"; title: string; body: string; url?: string; data?: Record<string, unknown> }
  );

export type RenderedFor<C extends RenderedContent["channel"]> = Extract<RenderedContent, { channel: C }>;
