import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, type TemplateEntry, unwrap } from "../api/client.ts";
import { useAuth } from "../auth.tsx";
import { ContentPreview } from "../components/content-preview.tsx";
import { useTemplates } from "../components/filters.tsx";
import { Card, PageHeader } from "../components/page-header.tsx";
import { QueryView } from "../components/states.tsx";
import { Badge } from "../components/status-badge.tsx";
import { useToast } from "../components/toast.tsx";
import { eventOutcome } from "../event-outcome.ts";
import { CHANNEL_LABEL } from "../format.ts";
import { Link } from "../router.tsx";
import { conditionLabels } from "./condition-labels.ts";
import { digestLabels } from "./digest-labels.ts";
import { escalationLabel } from "./escalation-label.ts";

type Channel = TemplateEntry["channels"][number];

/**
 * The test event once the router has got to it (or the last look after
 * ~10 s): a 202 only says it was accepted, while preferences or a missing
 * address may leave it with no notification at all.
 */
async function routedEvent(eventId: string) {
  const get = () => unwrap(api.GET("/v1/events/{eventId}", { params: { path: { eventId } } }));
  let e = await get();
  for (let i = 0; i < 40 && e.status === "accepted"; i++) {
    await new Promise((done) => setTimeout(done, 250));
    e = await get();
  }
  return e;
}

function SendTest({ t }: { t: TemplateEntry }) {
  const [userId, setUserId] = useState("");
  const [channel, setChannel] = useState<"" | Channel>("");
  const toast = useToast();
  const send = useMutation({
    mutationFn: async () => {
      const { eventId } = await unwrap(
        api.POST("/v1/dashboard/templates/{type}/test", {
          params: { path: { type: t.type } },
          body: { userId, ...(channel ? { channels: [channel] } : {}) },
        }),
      );
      return { eventId, outcome: eventOutcome(await routedEvent(eventId)) };
    },
    onSuccess: ({ outcome }) => toast(outcome.tone, `Test: ${outcome.text}`),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // It is a real event for a real user: they get the example on every channel it reaches them on.
    const where = channel ? `by ${channel}` : "on every channel that reaches them";
    // In the user's own language (their locale), whatever language is previewed here.
    if (!window.confirm(`Send the example ${t.type} to ${userId} ${where}? They will receive it.`)) return;
    send.mutate();
  };
  return (
    <form className="send-test" onSubmit={submit} aria-label={`Send ${t.type} test`}>
      <label className="field grow">
        <span>Send a test to</span>
        <input value={userId} placeholder="user id" onChange={(e) => setUserId(e.target.value)} />
      </label>
      <label className="field">
        <span>Channel</span>
        <select value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
          <option value="">All of its channels</option>
          {t.channels.map((c) => (
            <option key={c} value={c}>
              {CHANNEL_LABEL[c]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn" disabled={!userId || send.isPending}>
        {send.isPending ? "Sending…" : "Send test"}
      </button>
      {send.error && (
        <p className="field-error" role="alert">
          {send.error.message}
        </p>
      )}
      {send.data && (
        <p
          className={send.data.outcome.tone === "bad" ? "field-error" : "muted small"}
          role="status"
          data-test-outcome={send.data.outcome.tone}
        >
          {send.data.outcome.text}.{" "}
          <Link href={`/notifications?eventId=${send.data.eventId}`}>See the event</Link>
        </p>
      )}
    </form>
  );
}

/** Which language the preview is in: a translation's tag, or the default when the locale has none. */
function previewLanguageNote(t: TemplateEntry, channel: Channel): string {
  const language = (t.rendered[channel] as { language?: unknown } | undefined)?.language;
  const others = t.languages.filter((l) => l !== t.languages[0]);
  if (typeof language === "string") return `Written in ${language} (translation).`;
  return others.length > 0
    ? `Default templates (${t.languages[0]}); translated into ${others.join(", ")}.`
    : "Default templates only.";
}

function Template({ t, canSend }: { t: TemplateEntry; canSend: boolean }) {
  const [channel, setChannel] = useState<Channel>(t.channels[0]!);
  return (
    <Card
      className="template"
      title={<span className="mono">{t.type}</span>}
      actions={
        <div className="badges">
          <Badge tone={t.category === "security" ? "info" : "muted"}>{t.category}</Badge>
          <Badge tone={t.priority === "critical" || t.priority === "high" ? "warn" : "muted"}>
            {t.priority}
          </Badge>
          {digestLabels(t.digest).map((label) => (
            <Badge key={label}>{label}</Badge>
          ))}
          {t.escalation && <Badge>{escalationLabel(t.escalation)}</Badge>}
          {conditionLabels(t.conditions).map((label) => (
            <Badge key={label}>{label}</Badge>
          ))}
        </div>
      }
    >
      <p className="muted">{t.description}</p>
      <div className="tabs tabs-sm" role="tablist" aria-label={`${t.type} channels`}>
        {t.channels.map((c) => (
          <button
            key={c}
            type="button"
            role="tab"
            aria-selected={channel === c}
            className={channel === c ? "tab active" : "tab"}
            onClick={() => setChannel(c)}
          >
            {CHANNEL_LABEL[c]}
          </button>
        ))}
      </div>
      <ContentPreview content={t.rendered[channel] ?? {}} channel={channel} frameHeight={420} />
      <p className="muted small" data-preview-language>
        {previewLanguageNote(t, channel)}
      </p>
      <details className="example">
        <summary>Example data</summary>
        <pre>{JSON.stringify(t.example, null, 2)}</pre>
      </details>
      {canSend ? <SendTest t={t} /> : <p className="muted small">Sending tests is for admins.</p>}
    </Card>
  );
}

/** "Deutsch (de)" in the browser's language; the bare tag where it has no name for it. */
function languageLabel(tag: string): string {
  try {
    const name = new Intl.DisplayNames([navigator.language, "en"], { type: "language" }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

function LanguageSelect({
  languages,
  value,
  onChange,
}: {
  languages: string[];
  value: string;
  onChange: (language: string) => void;
}) {
  return (
    <label className="field">
      <span>Preview language</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {languages.map((tag) => (
          <option key={tag} value={tag}>
            {languageLabel(tag)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function TemplatesPage() {
  const { isAdmin } = useAuth();
  // "" is the API's default locale (en-US); a language is previewed as a recipient with that locale sees it.
  const [language, setLanguage] = useState("");
  const q = useTemplates(language || undefined);
  const languages = q.data?.languages ?? [];
  return (
    <>
      <PageHeader
        title="Templates"
        subtitle="Every notification type, rendered with its example data."
        actions={
          languages.length > 1 ? (
            <LanguageSelect
              languages={languages}
              value={language || (languages[0] ?? "")}
              onChange={(tag) => setLanguage(tag === languages[0] ? "" : tag)}
            />
          ) : undefined
        }
      />
      <QueryView query={q} rows={6}>
        {(d) => (
          <div className="template-grid">
            {d.data.map((t) => (
              <Template key={t.type} t={t} canSend={isAdmin} />
            ))}
          </div>
        )}
      </QueryView>
    </>
  );
}
