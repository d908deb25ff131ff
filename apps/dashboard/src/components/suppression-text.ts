import type { Schemas } from "../api/client.ts";

export type Suppression = Schemas["Suppression"];
export type SuppressedChannel = Suppression["channel"];

/** The user page's suppressions query: keyed by the addresses too, so a changed address asks again. */
export const suppressionsQuery = (userId: string, email: string | null, phone: string | null) =>
  ["user-suppressions", userId, email, phone] as const;

/** What each row is about, in the user's contact card's words. */
export const ADDRESS_LABEL: Record<SuppressedChannel, string> = { email: "E-mail", sms: "Phone" };
const ADDRESS_NAME: Record<SuppressedChannel, string> = { email: "e-mail address", sms: "phone number" };

/** Why the address is suppressed, as support says it. */
export const REASON_LABEL: Record<Suppression["reason"], string> = {
  bounced: "Bounced",
  complained: "Marked as spam",
  manual: "Suppressed by an operator",
};

/**
 * The confirmation before a lift. A complaint asks more: the user said the
 * messages were spam, so only their own request should bring them back
 * (the API wants `force=true` for it, which the dashboard sends once this
 * is accepted).
 */
export function liftQuestion(userId: string, s: Suppression): string {
  const what = `${userId}'s ${ADDRESS_NAME[s.channel]}`;
  if (s.reason === "complained") {
    return (
      `${what} is suppressed because they reported a message as spam. Sending to it again is your ` +
      "responsibility and can harm your sender reputation: lift it only if they asked to get messages again. " +
      "Lift the suppression?"
    );
  }
  const again =
    s.channel === "email"
      ? "If the mailbox still does not work, the next bounce suppresses it again."
      : "If the number still refuses messages, the next refusal suppresses it again.";
  return `Lift the suppression of ${what}? Herald sends to it again. ${again}`;
}

/** The toast once lifted. */
export const liftedText = (s: Suppression) => `${ADDRESS_LABEL[s.channel]} suppression lifted`;
