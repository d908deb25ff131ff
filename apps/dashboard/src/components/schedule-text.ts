import type { Schemas } from "../api/client.ts";

type Repeat = Schemas["ScheduleRepeat"];

const DAY_NAMES: Record<string, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

const UNITS = { hourly: "hour", daily: "day", weekly: "week", monthly: "month" } as const;

/** "Every", "Every 2 weeks", "Every 3 months": the frequency and its interval. */
function every(r: Repeat): string {
  const n = r.interval ?? 1;
  return n === 1 ? "Every" : `Every ${n} ${UNITS[r.frequency]}s`;
}

/**
 * A schedule's rule in words, for support reading a user's page: "Every
 * Monday and Thursday at 09:00 (Europe/Berlin)", "Every 2 days at 18:00
 * (the user's time zone)". What the rule leaves to its start (a default time
 * or day) is said as such.
 */
export function repeatText(r: Repeat, topic = false): string {
  const zone = r.timezone ?? (topic ? "UTC" : "the user's time zone");
  const at = r.at ? ` at ${r.at}` : "";
  let what: string;
  if (r.frequency === "hourly") {
    const minute = r.minute === undefined ? "" : ` at :${String(r.minute).padStart(2, "0")}`;
    what = `${r.interval && r.interval > 1 ? `${every(r)}` : "Every hour"}${minute}`;
  } else if (r.frequency === "daily") {
    what = `${r.interval && r.interval > 1 ? every(r) : "Every day"}${at}`;
  } else if (r.frequency === "weekly") {
    const days = (r.days ?? []).map((d) => DAY_NAMES[d] ?? d);
    const on =
      days.length === 0
        ? ""
        : ` on ${days.length === 1 ? days[0] : `${days.slice(0, -1).join(", ")} and ${days.at(-1)}`}`;
    what = `${r.interval && r.interval > 1 ? every(r) : "Every week"}${on}${at}`;
  } else {
    const day = r.dayOfMonth === undefined ? "" : ` on day ${r.dayOfMonth}`;
    what = `${r.interval && r.interval > 1 ? every(r) : "Every month"}${day}${at}`;
  }
  return `${what} (${zone})`;
}

/** The confirmation before deleting a schedule: what stops and what stays. */
export function deleteScheduleQuestion(type: string, userId: string): string {
  return `Delete ${userId}'s ${type} schedule? No further run happens; the notifications it already sent stay. Only your app can create it again.`;
}
