import type { Category } from "./categories.ts";
import type { Channel } from "./channels.ts";

/**
 * What the operator made opt-in (`OPT_IN_CATEGORIES`, `OPT_IN_CHANNELS`):
 * off for a user until they say yes with an explicit `true` at some level
 * of their preferences, where everything else is on until they say no.
 * Consent rules such as GDPR/ePrivacy for marketing e-mail or the TCPA for
 * marketing SMS need the yes first. Required categories are never opt-in.
 */
export interface OptInSettings {
  categories: readonly Category[];
  channels: readonly Channel[];
}

/** Nothing opt-in: the default of both settings. */
export const NO_OPT_IN: OptInSettings = { categories: [], channels: [] };
