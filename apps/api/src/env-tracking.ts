import { z } from "zod";

/** The API's delivery-tracking settings, merged into its env schema. */
export const trackingEnvFragment = {
  /** Svix signing secret of the Resend webhook (`whsec_…`). Unset: the Resend webhook answers 401. */
  RESEND_WEBHOOK_SECRET: z
    .string()
    // Svix decodes the part after `whsec_` as base64: a mangled secret made every webhook a 401
    // "invalid signature", which reads like an attack rather than a typo.
    .regex(
      /^(whsec_)?[A-Za-z0-9+/]{16,}={0,2}$/,
      "must be the signing secret Resend shows (whsec_ and base64)",
    )
    .optional(),
  /** Twilio auth token, to verify `X-Twilio-Signature`. Unset: the Twilio webhook answers 401. */
  TWILIO_AUTH_TOKEN: z.string().min(8).optional(),
  /** HMAC secret of open/click tracking links; must equal the worker's. Required in production. */
  TRACKING_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** When set, `GET /metrics` requires `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
};
