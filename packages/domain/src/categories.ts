/**
 * Notification categories. `required` ones cannot be opted out of (a user
 * must get their password reset); the others follow preferences. `secret`
 * ones carry what opens the user's account (reset links, codes): their
 * content and event data are hidden from the dashboard's support role.
 */
export const CATEGORIES = {
  security: {
    required: true,
    secret: true,
    description: "Password resets, login alerts, verification codes",
  },
  transactional: { required: false, secret: false, description: "Orders, payments, account activity" },
  marketing: { required: false, secret: false, description: "Promotions and newsletters" },
  product: { required: false, secret: false, description: "Product updates and announcements" },
  social: { required: false, secret: false, description: "Mentions, comments, follows" },
} as const;

export type Category = keyof typeof CATEGORIES;

export function isCategory(value: string): value is Category {
  return Object.hasOwn(CATEGORIES, value);
}

export function isRequiredCategory(category: string): boolean {
  return isCategory(category) && CATEGORIES[category].required;
}

/** Whether messages of `category` carry secrets (see {@link CATEGORIES}). */
export function isSecretCategory(category: string): boolean {
  return isCategory(category) && CATEGORIES[category].secret;
}
