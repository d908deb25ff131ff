/** The channels with an address to suppress: a push device is removed instead (`devices.remove`). */
export type SuppressionChannel = "email" | "sms";

/** Why an address is on the suppression list. */
export type SuppressionReason =
  /** The mailbox bounced for good, or Twilio refuses the number for good (STOP, invalid, not a mobile). */
  | "bounced"
  /** The recipient reported a message as spam; lifting it takes `force`. */
  | "complained"
  /** Added by an operator (`suppressions.add`, `addAddress`, the dashboard). */
  | "manual";

/** An entry of the suppression list: while it is there, the address gets nothing on its channel, critical messages included. */
export interface Suppression {
  channel: SuppressionChannel;
  reason: SuppressionReason;
  /** Who reported it (`resend`, `twilio`…); null for a `manual` one. */
  provider: string | null;
  /** The notification whose bounce or complaint suppressed the address, the latest if several. */
  notificationId: string | null;
  /** The provider's facts (error code, stage…), never the address. */
  detail: Record<string, unknown> | null;
  /** Why it was added by hand, in the operator's words. */
  note: string | null;
  /** Who added it by hand: an API key or a dashboard account (its e-mail address as `name`). */
  suppressedBy: { via: "api_key" | "dashboard"; id: string; name: string } | null;
  /** Suppressed since (ISO time). */
  createdAt: string;
  /** Last reported (a repeated bounce refreshes it). */
  updatedAt: string;
}

/** An address, as a user or a provider gives it: e-mail compares case-insensitively, phone numbers without separators. */
export interface SuppressionAddress {
  channel: SuppressionChannel;
  /** An e-mail address or an E.164 phone number; sent in the body, never in a URL. */
  address: string;
}

export interface SuppressOptions {
  /** Why, for whoever looks later (at most 500 characters; not the address itself). Default none. */
  note?: string;
}

export interface LiftOptions {
  /** Also lift a `complained` suppression: sending to them again is your responsibility. Default false. */
  force?: boolean;
}
