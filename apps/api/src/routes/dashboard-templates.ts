import { getRecipient } from "@herald/db";
import type { RenderedContent } from "@herald/domain";
import { HeraldError } from "@herald/errors";
import {
  channelsOf,
  conditionsOf,
  DEFAULT_COLLAPSE_AT_LEAST,
  DEFAULT_COLLAPSE_SHOW,
  digestible,
  getNotificationType,
  languagesOf,
  listNotificationTypes,
  renderContext,
  renderNotification,
} from "@herald/templates";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { validated } from "../middleware/audited.ts";
import { commonErrors, notFoundError } from "../schemas/common.ts";
import { SendTestSchema, TemplateListQuery, TemplateListSchema } from "../schemas/dashboard.ts";
import { EventAcceptedSchema } from "../schemas/event.ts";
import { ingestEvents, validateEvent } from "../services/ingest.ts";

const list = createRoute({
  method: "get",
  path: "/v1/dashboard/templates",
  tags: ["Dashboard"],
  summary: "Every notification type, rendered on each of its channels with its example data",
  description:
    "Rendered for `locale` (default `en-US`): what a recipient with that locale would get, in the translation it picks. `languages` lists what the catalog is written in.",
  middleware: [requireScope("read")] as const,
  request: { query: TemplateListQuery },
  responses: {
    200: { description: "The catalog", content: { "application/json": { schema: TemplateListSchema } } },
    ...commonErrors,
  },
});

const sendTest = createRoute({
  method: "post",
  path: "/v1/dashboard/templates/{type}/test",
  tags: ["Dashboard"],
  summary: "Send a type's example to a user",
  description:
    "Triggers a real event of this type with the catalog's example data for an existing user, through the " +
    "normal pipeline (their preferences apply). Needs `events:write` (dashboard: admin).",
  middleware: [requireScope("events:write")] as const,
  request: {
    params: z.object({
      type: z
        .string()
        .max(100)
        .openapi({ param: { name: "type", in: "path" }, example: "order_placed" }),
    }),
    body: { required: true, content: { "application/json": { schema: SendTestSchema } } },
  },
  responses: {
    202: { description: "The test event", content: { "application/json": { schema: EventAcceptedSchema } } },
    ...commonErrors,
    ...notFoundError,
  },
});

type Rendered = Record<string, Record<string, unknown>>;
// Keyed by brand and locale: one process may hold several apps (tests), each with its own BRAND_NAME.
const cache = new Map<string, Promise<{ type: string; rendered: Rendered }[]>>();
/** Previews kept; the locale is the caller's to choose, so the cache is bounded. */
const MAX_CACHED = 64;

/** Templates are code: render each example once per process, brand and locale. */
function renderCatalog(brandName: string, locale: string) {
  const key = `${brandName}\u0000${locale}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const rendering = Promise.all(
    listNotificationTypes().map(async (def) => {
      const ctx = renderContext({ userId: "preview", brandName, locale });
      const rendered: Rendered = {};
      for (const channel of channelsOf(def)) {
        const content: RenderedContent = await renderNotification(def, channel, def.example, ctx);
        rendered[channel] = content as unknown as Record<string, unknown>;
      }
      return { type: def.type, rendered };
    }),
  );
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, rendering);
  // A render that failed is tried again by the next request, not remembered.
  rendering.catch(() => cache.delete(key));
  return rendering;
}

/** Every language of the catalog, `en` first, each once whatever its case. */
function catalogLanguages(): string[] {
  const seen = new Map<string, string>();
  for (const def of listNotificationTypes())
    for (const tag of languagesOf(def)) if (!seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  return [...seen.values()];
}

/** The catalog for the dashboard's Templates page, and "send test". */
export function registerDashboardTemplates(app: App, deps: ApiDeps): void {
  app.openapi(list, async (c) => {
    const locale = c.req.valid("query").locale ?? renderContext({ userId: "preview" }).locale;
    const rendered = new Map(
      (await renderCatalog(deps.env.BRAND_NAME, locale)).map((r) => [r.type, r.rendered]),
    );
    return c.json(
      {
        data: listNotificationTypes().map((def) => ({
          type: def.type,
          description: def.description,
          category: def.category,
          priority: def.priority,
          channels: channelsOf(def),
          example: def.example,
          rendered: rendered.get(def.type) ?? {},
          languages: languagesOf(def),
          digest: {
            never: !digestible(def),
            summary: def.digest?.summary !== undefined,
            collapse: def.digest?.collapse
              ? {
                  atLeast: def.digest.collapse.atLeast ?? DEFAULT_COLLAPSE_AT_LEAST,
                  show: def.digest.collapse.show ?? DEFAULT_COLLAPSE_SHOW,
                }
              : null,
          },
          escalation: def.escalation
            ? { after: def.escalation.after, channels: [...def.escalation.channels] }
            : null,
          conditions: conditionsOf(def),
        })),
        locale,
        languages: catalogLanguages(),
      },
      200,
    );
  });

  // The test goes to a user: the entry is about them (found on their page, renamed if they are erased).
  const audited = deps.audit.route(sendTest, "template.send_test", {
    target: (c) => ({ type: "user", id: validated<{ userId: string }>(c).userId }),
    details: (c) => ({
      type: c.req.param("type"),
      channels: validated<{ channels?: string[] }>(c).channels ?? null,
    }),
  });
  app.openapi(audited, async (c) => {
    const { type } = c.req.valid("param");
    const body = c.req.valid("json");
    const def = getNotificationType(type);
    if (!def) throw new HeraldError("not_found", `No notification type ${type}.`);
    if (!(await getRecipient(deps.db, body.userId)))
      throw new HeraldError("not_found", `No user ${body.userId}.`);
    const valid = validateEvent(
      {
        type,
        userId: body.userId,
        data: def.example as Record<string, unknown>,
        ...(body.channels ? { channels: body.channels } : {}),
      },
      undefined,
      c.get("apiKey").id,
    );
    const [result] = await ingestEvents(deps, [valid]);
    if (!result || "error" in result) throw result?.error ?? new Error("no ingest result");
    deps.logger.info({ type, by: c.get("apiKey").id, eventId: result.eventId }, "test notification sent");
    return c.json({ eventId: result.eventId }, 202);
  });
}
