import { createCatalog } from "../create-catalog.ts";
import type { NotificationType } from "../define-notification.ts";
import { orderPlaced } from "./order-placed.tsx";
import { passwordReset } from "./password-reset.tsx";
import { paymentFailed } from "./payment-failed.tsx";
import { weeklyPromo } from "./weekly-promo.tsx";

/** The notification catalog. Adding a type = one file here and one line below. */
export const catalog = {
  order_placed: orderPlaced,
  password_reset: passwordReset,
  payment_failed: paymentFailed,
  weekly_promo: weeklyPromo,
} as const;

export type NotificationTypeName = keyof typeof catalog;

/** Checked as the module loads: a catalog with rules it cannot follow stops the API and the worker at boot. */
export const starterCatalog = createCatalog(Object.values(catalog) as NotificationType[]);

export function getNotificationType(type: string): NotificationType | undefined {
  return starterCatalog.get(type);
}

export function listNotificationTypes(): NotificationType[] {
  return starterCatalog.list();
}

/** Each type's data as a caller writes it (before defaults): the typed client builds on this. */
export type CatalogData = {
  [K in NotificationTypeName]: import("zod").input<(typeof catalog)[K]["schema"]>;
};
