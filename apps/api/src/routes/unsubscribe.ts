import { getRecipientById, updatePreferences } from "@herald/db";
import { isCategory, isRequiredCategory } from "@herald/domain";
import { HeraldError } from "@herald/errors";
import { DEV_UNSUBSCRIBE_SECRET, type UnsubscribeScope, verifyUnsubscribeToken } from "@herald/unsubscribe";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ApiDeps } from "../deps.ts";
import type { App, HonoEnv } from "../hono-env.ts";
import { bodyLimit } from "../middleware/body-limit.ts";
import { acceptsHtml } from "../pages/accepts-html.ts";
import { confirmPage, donePage, invalidPage, PAGE_HEADERS } from "../pages/unsubscribe-page.ts";
import { ErrorSchema } from "../schemas/common.ts";
import { unsubscribePatch } from "../services/unsubscribe-patch.ts";

/** The pages speak the recipient's language, as the e-mail with the link did. */
const localeOf = (recipient: { locale: string | null }) => recipient.locale ?? "en";

/** The e-mail categories a link may turn off: known, not required. */
const optional = (scope: UnsubscribeScope) =>
  scope.categories.filter((cat) => isCategory(cat) && !isRequiredCategory(cat));

/**
 * One-click unsubscribe (RFC 8058). `GET /unsubscribe/:token` shows a
 * confirmation page and changes nothing; `POST` (the mail client's one-click
 * `List-Unsubscribe=One-Click`, or the page's buttons) turns e-mail off for the
 * link's categories, or for everything non-required with `scope=all`. The
 * token is an HMAC-signed recipient + categories; there is no redirect target.
 */
export function registerUnsubscribe(app: App, deps: ApiDeps): void {
  const secret = deps.env.UNSUBSCRIBE_SECRET ?? DEV_UNSUBSCRIBE_SECRET;
  const brand = deps.env.BRAND_NAME;

  const resolve = async (c: Context<HonoEnv>) => {
    const scope = verifyUnsubscribeToken(secret, c.req.param("token") ?? "");
    const recipient = scope ? await getRecipientById(deps.db, scope.recipientId) : null;
    if (!scope || !recipient || recipient.erasedAt) return null;
    return { scope, recipient };
  };
  const invalid = (c: Context<HonoEnv>) => {
    if (acceptsHtml(c)) return c.body(invalidPage(c.req.header("accept-language")), 400, PAGE_HEADERS);
    throw new HeraldError("malformed_request", "Invalid or expired unsubscribe link.");
  };

  app.get("/unsubscribe/:token", async (c) => {
    const found = await resolve(c);
    if (!found) return invalid(c);
    return c.body(confirmPage(brand, optional(found.scope), localeOf(found.recipient)), 200, PAGE_HEADERS);
  });

  app.post(
    "/unsubscribe/:token",
    bodyLimit({
      maxSize: 4096,
      onError: () => {
        throw new HeraldError("payload_too_large", "Unsubscribe requests carry a few bytes at most.");
      },
    }),
    async (c) => {
      const found = await resolve(c);
      if (!found) return invalid(c);
      // RFC 8058 sends `List-Unsubscribe=One-Click` as a form; the page sends `scope`.
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const all = form.scope === "all";
      const categories = optional(found.scope);
      await updatePreferences(deps.db, found.recipient.id, (current) =>
        unsubscribePatch(current, categories, all),
      );
      deps.logger.info(
        {
          recipientId: found.recipient.id,
          categories,
          all,
          oneClick: form["List-Unsubscribe"] === "One-Click",
        },
        "unsubscribed",
      );
      if (!acceptsHtml(c)) return c.json({ unsubscribed: all ? "all" : categories }, 200);
      return c.body(donePage(brand, all ? "all" : categories, localeOf(found.recipient)), 200, PAGE_HEADERS);
    },
  );
  describeUnsubscribe(app);
}

/** Both routes in /openapi.json: they answer pages and forms, so they are described rather than declared. */
function describeUnsubscribe(app: App): void {
  const params = z.object({
    token: z.string().max(8192).openapi({ example: "eyJyIjoidXNyXzAxamQ4cTNr…" }),
  });
  const invalid = {
    description: "Invalid or expired link (an HTML page for browsers, the error shape otherwise)",
    content: { "application/json": { schema: ErrorSchema } },
  };
  const base = { path: "/unsubscribe/{token}", tags: ["Unsubscribe"], security: [], request: { params } };
  app.openAPIRegistry.registerPath({
    ...base,
    method: "get",
    summary: "The unsubscribe link's confirmation page",
    description:
      "The page an e-mail's unsubscribe link opens; it changes nothing until its button is pressed.",
    responses: { 200: { description: "text/html" }, 400: invalid },
  });
  app.openAPIRegistry.registerPath({
    ...base,
    method: "post",
    summary: "Unsubscribe (RFC 8058 one-click, or the page's buttons)",
    description:
      "Form body `List-Unsubscribe=One-Click` (mail clients) or `scope=all` (the page's second button). Turns e-mail off for the link's categories, or for every optional category with `scope=all`.",
    request: {
      params,
      body: {
        content: {
          "application/x-www-form-urlencoded": {
            schema: z
              .object({
                "List-Unsubscribe": z.literal("One-Click").optional(),
                scope: z.literal("all").optional(),
              })
              .openapi({ example: { "List-Unsubscribe": "One-Click" } }),
          },
        },
      },
    },
    responses: {
      200: {
        description: "Done: an HTML page for browsers, otherwise JSON",
        content: {
          "application/json": {
            schema: z
              .object({ unsubscribed: z.union([z.literal("all"), z.array(z.string())]) })
              .openapi({ example: { unsubscribed: ["marketing"] } }),
          },
        },
      },
      400: invalid,
      413: { description: "Body over 4 KB", content: { "application/json": { schema: ErrorSchema } } },
    },
  });
}
