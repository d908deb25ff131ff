import {
  CATEGORIES,
  type Category,
  CHANNELS,
  type Channel,
  isCategory,
  isChannel,
  isRequiredCategory,
  type OptInSettings,
} from "@herald/domain";
import { z } from "zod";

const names = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

const optional = Object.keys(CATEGORIES).filter((c) => !isRequiredCategory(c));

/** Why `name` cannot be an opt-in category, or null. */
export function optInCategoryProblem(name: string): string | null {
  if (!isCategory(name)) return `unknown category "${name}": use ${optional.join(", ")}`;
  if (isRequiredCategory(name))
    return `${name} is a required category: it is always sent, so it cannot wait for a yes`;
  return null;
}

const categoryList = z.string().transform((s, ctx) => {
  const list = names(s);
  for (const name of list) {
    const problem = optInCategoryProblem(name);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }
  return [...new Set(list)] as Category[];
});

const channelList = z.string().transform((s, ctx) => {
  const list = names(s);
  for (const name of list.filter((n) => !isChannel(n)))
    ctx.addIssue({ code: "custom", message: `unknown channel "${name}": use ${CHANNELS.join(", ")}` });
  return [...new Set(list)] as Channel[];
});

/**
 * `OPT_IN_CATEGORIES` and `OPT_IN_CHANNELS`, the same in the API's and the
 * workers' schemas: the workers route by them, the API shows them with a
 * user's preferences. Give both the same values.
 */
export const optInEnvShape = {
  /**
   * Categories off until the user turns them on, e.g. `marketing`. Default:
   * none. A required category (security) or an unknown one fails the start.
   */
  OPT_IN_CATEGORIES: categoryList.default([]),
  /** Channels off until the user turns them on, e.g. `sms` (of `email,sms,push,in_app`). Default: none. */
  OPT_IN_CHANNELS: channelList.default([]),
};

/** The parsed variables as {@link OptInSettings}. */
export function toOptInSettings(e: {
  OPT_IN_CATEGORIES: Category[];
  OPT_IN_CHANNELS: Channel[];
}): OptInSettings {
  return { categories: e.OPT_IN_CATEGORIES, channels: e.OPT_IN_CHANNELS };
}
