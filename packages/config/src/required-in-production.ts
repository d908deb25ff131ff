import type { z } from "zod";

/**
 * A `superRefine` for an app's env schema: each variable named in `why`
 * that is unset while `NODE_ENV` is `production` is one issue, saying why it
 * is needed. All of them in one pass, so a deployment learns every missing
 * secret from one failed start, not one per restart.
 */
export function requiredInProduction(why: Record<string, string>) {
  return (e: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    if (e.NODE_ENV !== "production") return;
    for (const [name, reason] of Object.entries(why)) {
      if (!e[name])
        ctx.addIssue({ code: "custom", path: [name], message: `is required in production (${reason})` });
    }
  };
}
