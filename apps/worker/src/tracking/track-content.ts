import type { RenderedContent } from "@herald/domain";
import type { NotificationType } from "@herald/templates";
import { addEmailTracking } from "@herald/tracking";
import type { TrackingEnv } from "../env-tracking.ts";

/**
 * Adds Herald's open pixel and click redirects to a rendered e-mail, as the
 * notification type allows (`tracking` on its catalog entry, default on;
 * `password_reset` turns it off) and `EMAIL_TRACKING` permits. Other channels
 * are returned as they are. Pure: the router calls it once the notification id exists.
 */
export function trackContent(
  env: TrackingEnv & { publicUrl: string },
  def: NotificationType,
  notificationId: string,
  content: RenderedContent,
): RenderedContent {
  if (content.channel !== "email" || !env.emailTracking) return content;
  const { opens, clicks } = def.tracking ?? { opens: true, clicks: true };
  if (!opens && !clicks) return content;
  return {
    ...content,
    html: addEmailTracking(content.html, {
      notificationId,
      baseUrl: env.publicUrl,
      secret: env.trackingSecret,
      opens,
      clicks,
    }),
  };
}
