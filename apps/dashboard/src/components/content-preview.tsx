import { CHANNEL_LABEL } from "../format.ts";

type Content = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/**
 * A rendered e-mail, as a mail client would show it, in a sandboxed frame:
 * no scripts, no same-origin access, and no remote images (see PREVIEW_CSP).
 */
export function EmailFrame({ html, title, height = 520 }: { html: string; title: string; height?: number }) {
  return (
    <iframe
      className="email-frame"
      title={title}
      sandbox=""
      srcDoc={withPreviewCsp(html)}
      style={{ height }}
    />
  );
}

// Belt and braces inside the frame: inline styles and embedded images only. The open-tracking pixel
// and remote images stay unloaded, so looking at an e-mail here never marks it READ.
const PREVIEW_CSP =
  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">";

/** Into <head> when there is one: before the doctype it would throw the e-mail into quirks mode. */
const withPreviewCsp = (html: string) =>
  /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (m) => m + PREVIEW_CSP) : PREVIEW_CSP + html;

/** One channel's rendered content: e-mail as HTML, SMS as a bubble, push and in-app as cards. */
export function ContentPreview({
  content,
  channel,
  frameHeight,
}: {
  content: Content;
  channel?: string;
  /** Height of the e-mail frame in px. Default 520. */
  frameHeight?: number;
}) {
  const ch = channel ?? str(content.channel) ?? "";
  const hidden = str(content.hidden);
  if (hidden) {
    // A security message (reset link, code) read by the support role: the API sent no body.
    const heading = str(content.subject) ?? str(content.title);
    return (
      <div className="preview preview-hidden" data-content-hidden>
        {heading && (
          <dl className="mail-head">
            <dt>{ch === "email" ? "Subject" : "Title"}</dt>
            <dd>{heading}</dd>
          </dl>
        )}
        <p className="callout">{hidden}</p>
      </div>
    );
  }
  if (ch === "email") {
    const html = str(content.html);
    return (
      <div className="preview preview-email">
        <dl className="mail-head">
          <dt>Subject</dt>
          <dd>{str(content.subject) ?? "—"}</dd>
          {str(content.preview) && (
            <>
              <dt>Preview</dt>
              <dd className="muted">{str(content.preview)}</dd>
            </>
          )}
        </dl>
        {html ? (
          <>
            <EmailFrame
              html={html}
              title={`E-mail: ${str(content.subject) ?? ""}`}
              {...(frameHeight ? { height: frameHeight } : {})}
            />
            {/* A link that does nothing looks broken: say why, and why that is on purpose. */}
            <p className="muted small">
              Links and remote images are off in this preview, so looking at it never counts as an open or a
              click.
            </p>
          </>
        ) : (
          <pre className="text-body">{str(content.text) ?? "(no content: erased or not rendered)"}</pre>
        )}
      </div>
    );
  }
  if (ch === "sms") {
    return (
      <div className="preview preview-sms">
        <div className="bubble">{str(content.text) ?? "(no content)"}</div>
        <div className="muted small">{(str(content.text) ?? "").length} characters</div>
      </div>
    );
  }
  return (
    <div className={`preview preview-card preview-${ch}`}>
      <div className="card-app muted small">{CHANNEL_LABEL[ch] ?? ch}</div>
      <div className="card-title">{str(content.title) ?? "(no title)"}</div>
      <div className="card-text">{str(content.body) ?? ""}</div>
      {str(content.url) && <div className="card-url muted small">{str(content.url)}</div>}
    </div>
  );
}
