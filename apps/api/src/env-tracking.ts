import { z } from "zod";

/** The API's delivery-tracking settings, merged into its env schema. */
export const trackingEnvFragment = {
  /** Svix signing secret of the Resend webhook (`whsec_…`). Unset: the Resend webhook answers 401. */
  RESEND_WEBHOOK_SECRET: z.string().min(8).optional(),
  /** Twilio auth token, to verify `X-Twilio-Signature`. Unset: the Twilio webhook answers 401. */
  TWILIO_AUTH_TOKEN: z.string().min(8).optional(),
  /** HMAC secret of open/click tracking links; must equal the worker's. Required in production. */
  TRACKING_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** When set, `GET /metrics` requires `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
};
