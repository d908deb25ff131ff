import { queryDeliveryStats, summarizeStats } from "@herald/db";
import { CHANNELS } from "@herald/domain";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { commonErrors } from "../schemas/common.ts";

const Day = z.iso.date().openapi({ example: "2026-03-01" });
const MAX_DAYS = 400;

const counts = {
  total: z.number().int().openapi({ description: "Notifications created" }),
  sent: z.number().int().openapi({ description: "Accepted by a provider (and everything further along)" }),
  delivered: z.number().int().openapi({ description: "Delivered (and everything read)" }),
  read: z.number().int().openapi({ description: "Opened or read (and everything clicked)" }),
  clicked: z.number().int(),
  failed: z.number().int().openapi({ description: "Now FAILED or DEAD" }),
  bounced: z.number().int(),
  complained: z.number().int(),
  deliveryRate: z.number().nullable().openapi({ description: "delivered / sent" }),
  openRate: z.number().nullable().openapi({ description: "read / delivered" }),
  clickRate: z.number().nullable().openapi({ description: "clicked / delivered" }),
  failureRate: z.number().nullable().openapi({ description: "(failed + bounced + complained) / total" }),
};

const EXAMPLE_COUNTS = {
  total: 1200,
  sent: 1180,
  delivered: 1150,
  read: 610,
  clicked: 95,
  failed: 12,
  bounced: 6,
  complained: 1,
  deliveryRate: 0.975,
  openRate: 0.53,
  clickRate: 0.083,
  failureRate: 0.016,
};

const Stats = z
  .object({
    from: Day,
    to: Day,
    timezone: z.literal("UTC"),
    totals: z.object(counts),
    byDay: z.array(z.object({ day: Day, ...counts })),
    byChannel: z.array(z.object({ channel: z.enum(CHANNELS), ...counts })),
    byType: z.array(z.object({ type: z.string(), ...counts })),
  })
  .openapi("DeliveryStats", {
    example: {
      from: "2026-11-01",
      to: "2026-11-24",
      timezone: "UTC",
      totals: EXAMPLE_COUNTS,
      byDay: [{ day: "2026-11-24", ...EXAMPLE_COUNTS }],
      byChannel: [{ channel: "email", ...EXAMPLE_COUNTS }],
      byType: [{ type: "order_placed", ...EXAMPLE_COUNTS }],
    },
  });

const route = createRoute({
  method: "get",
  path: "/v1/stats",
  tags: ["Stats"],
  summary: "Delivery counts and rates by day, channel and type",
  description:
    "Counts notifications by the UTC day they were created, from an incrementally maintained rollup " +
    "(cost independent of the number of notifications). Default range: the last 30 days.",
  middleware: [requireScope("read")] as const,
  request: {
    query: z.object({
      from: Day.optional().openapi({
        description: `First UTC day, inclusive (default: 29 days before \`to\`; at most ${MAX_DAYS} days per request)`,
      }),
      to: Day.optional().openapi({ description: "Last UTC day, inclusive (default: today)" }),
      channel: z.enum(CHANNELS).optional().openapi({ example: "email" }),
      type: z.string().max(100).optional().openapi({ example: "order_placed" }),
    }),
  },
  responses: {
    200: { description: "Counts and rates", content: { "application/json": { schema: Stats } } },
    ...commonErrors,
  },
});

const DAY_MS = 86_400_000;
const toDay = (d: Date) => d.toISOString().slice(0, 10);

export function registerStats(app: App, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const to = q.to ?? toDay(new Date());
    const from = q.from ?? toDay(new Date(Date.parse(to) - 29 * DAY_MS));
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
    const invalid = (message: string) =>
      new HeraldError("validation_failed", `from: ${message}`, { details: [{ path: "from", message }] });
    if (days < 1) throw invalid("must not be after to");
    if (days > MAX_DAYS) throw invalid(`at most ${MAX_DAYS} days before to`);
    const started = performance.now();
    const rows = await queryDeliveryStats(deps.db, {
      from,
      to,
      ...(q.channel ? { channel: q.channel } : {}),
      ...(q.type ? { type: q.type } : {}),
    });
    c.header("Server-Timing", `db;dur=${(performance.now() - started).toFixed(1)}`);
    const summary = summarizeStats(rows);
    // Every day of the range, zeros included, so charts need no gap filling.
    const byDay = new Map(summary.byDay.map((d) => [d.day, d]));
    const empty = summarizeStats([]).totals;
    const allDays = Array.from({ length: days }, (_, i) => {
      const day = toDay(new Date(Date.parse(from) + i * DAY_MS));
      return byDay.get(day) ?? { day, ...empty };
    });
    return c.json({ from, to, timezone: "UTC" as const, ...summary, byDay: allDays }, 200);
  });
}
