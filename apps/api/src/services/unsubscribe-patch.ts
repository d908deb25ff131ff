import type { Preferences, PreferencesPatch } from "@herald/db";
import { isRequiredCategory } from "@herald/domain";
import { getNotificationType } from "@herald/templates";

/**
 * What a one-click unsubscribe changes in `current`: e-mail off for the
 * link's categories (or, with `all`, the e-mail switch off), and every more
 * specific "e-mail on" override under them cleared. The router lets the most
 * specific setting win (type, then category, then channel), so an app's
 * preference centre that saved `types.weekly_promo.channels.email = true`
 * would otherwise keep those e-mails coming after the user clicked the link.
 * Overrides that already say "off" stay: they still mean something if the
 * user subscribes again.
 */
export function unsubscribePatch(current: Preferences, categories: string[], all: boolean): PreferencesPatch {
  const covered = (category: string | undefined) =>
    category !== undefined && !isRequiredCategory(category) && (all || categories.includes(category));
  const clearCategories = Object.entries(current.categories)
    .filter(([category, pref]) => pref.channels?.email === true && covered(category))
    .map(([category]) => [category, { channels: { email: null } }] as const);
  // A type no longer in the catalog has no category to check; its override can never apply again.
  const clearTypes = Object.entries(current.types)
    .filter(([type, pref]) => pref.channels?.email === true && covered(getNotificationType(type)?.category))
    .map(([type]) => [type, { channels: { email: null } }] as const);
  const types = clearTypes.length > 0 ? { types: Object.fromEntries(clearTypes) } : {};
  if (all) {
    return {
      channels: { email: false },
      ...(clearCategories.length > 0 ? { categories: Object.fromEntries(clearCategories) } : {}),
      ...types,
    };
  }
  return {
    categories: Object.fromEntries(categories.map((category) => [category, { channels: { email: false } }])),
    ...types,
  };
}
