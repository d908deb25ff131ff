const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const dtf = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  // Support reads times against a user's quiet hours or digest time in another zone: say which zone this is.
  timeZoneName: "short",
});
const nf = new Intl.NumberFormat("en-US");

/** "3 min ago", "in 2 h", "just now". */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const a = Math.abs(s);
  if (a < 10) return "just now";
  if (a < 60) return rtf.format(s, "second");
  if (a < 3600) return rtf.format(Math.round(s / 60), "minute");
  if (a < 86_400) return rtf.format(Math.round(s / 3600), "hour");
  return rtf.format(Math.round(s / 86_400), "day");
}

export const when = (iso: string | null | undefined) => (iso ? dtf.format(new Date(iso)) : "—");
export const num = (n: number) => nf.format(n);
export const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.01 ? 2 : 1)}%`;

export const CHANNEL_LABEL: Record<string, string> = {
  email: "E-mail",
  sms: "SMS",
  push: "Push",
  in_app: "In-app",
};

/** Shortens `ntf_01jd8q3k5m6n7p8q9r0s1t2v3w` to `ntf_…t2v3w` for tables. */
export const shortId = (id: string) => (id.length > 14 ? `${id.slice(0, 4)}…${id.slice(-6)}` : id);
