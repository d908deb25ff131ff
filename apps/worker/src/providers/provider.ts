import type { DeviceRow, NotificationRow, RecipientRow } from "@herald/db";
import type { Channel } from "@herald/domain";
import type { InFlightLog } from "../reliability/in-flight-requests.ts";

/** Everything a provider may need to deliver one notification. Loaded fresh per attempt. */
export interface SendContext {
  notification: NotificationRow;
  recipient: RecipientRow;
  /** The recipient's push targets (push channel only; empty otherwise). */
  devices: DeviceRow[];
  /** 1-based attempt number. */
  attempt: number;
  /**
   * The job's log of provider requests in flight, for a sender that notes
   * them (`notesInFlight`). Absent otherwise, and outside a job.
   */
  inFlight?: InFlightLog;
}

export interface SendResult {
  /** Name of the provider that accepted the message (`resend`, `smtp`, `outbox`…). */
  provider: string;
  providerMessageId: string;
  /** Extra facts for the timeline (never PII). */
  detail?: Record<string, unknown>;
}

/**
 * Delivers a notification on one channel. Throws a `DeliveryError` saying
 * whether a retry can help; anything else thrown counts as transient.
 */
export interface ChannelSender {
  readonly channel: Channel;
  /** Provider names in the order they are tried, for logs and the dashboard. */
  readonly providers: readonly string[];
  /**
   * Whether `send` and `sendMany` note each provider request in
   * `SendContext.inFlight` before it leaves (the e-mail sender with
   * failover), leaving the note of one the provider may have taken for the
   * job to clear once it recorded the outcome. A job taken over from a dead
   * worker then pins the notifications it finds noted to that provider,
   * instead of starting again from the first one. Default false: the job
   * neither writes nor reads notes.
   */
  readonly notesInFlight?: boolean;
  send(ctx: SendContext): Promise<SendResult>;
  /**
   * Optional: several notifications in as few provider requests as the
   * provider allows (Resend's batch endpoint takes 100 e-mails a request).
   * One answer per context, in order: its result, or the error that `send`
   * would have thrown for it. Never throws.
   */
  sendMany?(ctxs: SendContext[]): Promise<(SendResult | Error)[]>;
  /**
   * Most notifications `sendMany` hands the provider in one request (Resend:
   * 100); absent when it sends them one by one. With it, a rate-limited
   * channel still sends in batches: BullMQ's limiter counts jobs, and each
   * batch job is then one provider request.
   */
  readonly requestBatchSize?: number;
  /**
   * Optional: gets ready for a first request without sending anything (loads
   * the SDK, fetches a token). A provider under a `<PROVIDER>_RATE_LIMIT`
   * does it before taking its slot, so the request goes out when the slot
   * comes, not after the loading. Cheap once done; a failure is left to `send`.
   */
  prepare?(): Promise<void>;
  /** Releases connections (SMTP pool, HTTP/2 sessions) at shutdown. */
  close?(): Promise<void>;
  /**
   * Optional: the provider's record of this notification if it already
   * accepted it (looked up by notification id), else null. Asked before
   * re-sending a notification whose previous attempt was cut off mid-send (a
   * killed worker), when nobody knows whether the provider got it. Providers
   * that cannot answer leave it out: the message is sent again.
   */
  findSent?(ctx: SendContext): Promise<SendResult | null>;
  /**
   * Optional: runs once the SENT status is saved, for work that must not be
   * seen before it (the in-app announcement: a client told about an item must
   * find it SENT). A failure here is logged; the send itself stands.
   */
  afterSent?(ctx: SendContext, result: SendResult): Promise<void>;
}
