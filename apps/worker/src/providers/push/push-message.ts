import type { DeviceKind, DeviceRow } from "@herald/db";
import type { Priority } from "@herald/domain";

/** One push, provider-neutral; each provider shapes it into its own payload. */
export interface PushMessage {
  notificationId: string;
  type: string;
  title: string;
  body: string;
  url?: string;
  icon?: string;
  data?: Record<string, unknown>;
  priority: Priority;
  /** Where a click is reported back (`${PUBLIC_URL}/v1/push/clicks?token=…`, signed for this notification). */
  clickUrl: string;
}

export interface PushProvider {
  readonly name: string;
  /** The device kind this provider delivers to. */
  readonly kind: DeviceKind;
  /**
   * Delivers to one device. Throws a `DeliveryError`; kind `gone` means the
   * device no longer exists and must be removed.
   */
  send(device: DeviceRow, message: PushMessage): Promise<{ messageId: string }>;
  /**
   * Optional: gets ready for a first request without sending anything (loads
   * the SDK, fetches a token). A provider under a `<PROVIDER>_RATE_LIMIT`
   * does it before taking its slot, so the request goes out when the slot
   * comes, not after the loading. Cheap once done; a failure is left to `send`.
   */
  prepare?(): Promise<void>;
  close?(): Promise<void>;
}

export interface PushDelivery {
  /** How long the push service keeps an undelivered message. */
  ttlSeconds: number;
  /** Web Push `Urgency` (RFC 8030 §5.3): lets a device on battery defer low-value messages. */
  urgency: "high" | "normal" | "low" | "very-low";
  /** APNs `apns-priority`: 10 = now, 5 = when convenient. */
  apnsPriority: 10 | 5;
  /** FCM Android priority. */
  fcmPriority: "HIGH" | "NORMAL";
}

/**
 * Delivery hints per Herald priority. Critical pushes (password reset, login
 * alert) are urgent but worthless after an hour; marketing may wait for days
 * and for a convenient moment.
 */
export const PUSH_DELIVERY: Record<Priority, PushDelivery> = {
  critical: { ttlSeconds: 3600, urgency: "high", apnsPriority: 10, fcmPriority: "HIGH" },
  high: { ttlSeconds: 86_400, urgency: "high", apnsPriority: 10, fcmPriority: "HIGH" },
  normal: { ttlSeconds: 86_400, urgency: "normal", apnsPriority: 10, fcmPriority: "NORMAL" },
  low: { ttlSeconds: 4 * 86_400, urgency: "low", apnsPriority: 5, fcmPriority: "NORMAL" },
};

/** Flat string map of the message's extra fields (FCM data values must be strings). */
export function stringData(message: PushMessage): Record<string, string> {
  const out: Record<string, string> = { notificationId: message.notificationId, type: message.type };
  if (message.url) out.url = message.url;
  for (const [k, v] of Object.entries(message.data ?? {})) {
    if (v !== undefined && v !== null && !(k in out)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}
