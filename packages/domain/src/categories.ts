/**
 * Notification categories. `required` ones cannot be opted out of (a user
 * must get their password reset); the others follow preferences.
 */
export const CATEGORIES = {
  security: { required: true, description: "Password resets, login alerts, verification codes" },
  transactional: { required: false, description: "Orders, payments, account activity" },
  marketing: { required: false, description: "Promotions and newsletters" },
  product: { required: false, description: "Product updates and announcements" },
  social: { required: false, description: "Mentions, comments, follows" },
} as const;

export type Category = keyof typeof CATEGORIES;

export function isCategory(value: string): value is Category {
  return Object.hasOwn(CATEGORIES, value);
}

export function isRequiredCategory(category: string): boolean {
  return isCategory(category) && CATEGORIES[category].required;
}
