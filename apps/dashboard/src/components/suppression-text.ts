import type { Schemas } from "../api/client.ts";

export type Suppression = Schemas["Suppression"];
export type SuppressedChannel = Suppression["channel"];

/** The user page's suppressions query: keyed by the addresses too, so a changed address asks again. */
export const suppressionsQuery = (userId: string, email: string | null, phone: string | null) =>
  ["user-suppressions", userId, email, phone] as const;

/** What each row is about, in the user's contact card's words. */
export const ADDRESS_LABEL: Record<SuppressedChannel, string> = { email: "E-mail", sms: "Phone" };
export const ADDRESS_NAME: Record<SuppressedChannel, string> = {
  email: "e-mail address",
  sms: "phone number",
};

/** Why the address is suppressed, as support says it. */
export const REASON_LABEL: Record<Suppression["reason"], string> = {
  bounced: "Bounced",
  complained: "Marked as spam",
  manual: "Added by hand",
};

/** Who added a suppression by hand: a dashboard account by its e-mail address, an API key by its name. */
export function addedByText(s: Suppression): string | null {
  const by = s.suppressedBy;
  if (!by) return null;
  return by.via === "dashboard" ? `added by ${by.name}` : `added with the API key “${by.name}”`;
}

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

/**
 * The confirmation before suppressing the user's address by hand. It says
 * what it stops (everything on the channel, critical messages included) and
 * that the address is what is suppressed, for whoever has it.
 */
export function suppressQuestion(userId: string, channel: SuppressedChannel): string {
  return (
    `Suppress ${userId}'s ${ADDRESS_NAME[channel]}? Herald sends nothing to it, critical messages included, ` +
    "for this user or anyone else with it, until the suppression is lifted or the user's address changes."
  );
}

/** The toast once suppressed: the API answers an address already on the list with its entry, unchanged. */
export const suppressedText = (channel: SuppressedChannel, created: boolean) =>
  created
    ? `${ADDRESS_LABEL[channel]} suppressed`
    : `${ADDRESS_LABEL[channel]} was already suppressed: its entry is unchanged`;
