import { upsertRecipients } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute, type z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { describeDetails, validationFailure } from "../on-error.ts";
import { commonErrors, jsonResponse } from "../schemas/common.ts";
import {
  UserBatchItem,
  UserBatchRequestSchema,
  type UserBatchResult,
  UserBatchResultSchema,
} from "../schemas/user-batch.ts";
import { askToMoveDigests } from "../services/digest-moves.ts";

const batch = createRoute({
  method: "post",
  path: "/v1/users/batch",
  tags: ["Users"],
  summary: "Create or update up to 1,000 recipients",
  description:
    "An import: each item is `PUT /v1/users/{userId}` for its user (fields left out keep their value, null " +
    "clears one, an erased user id starts afresh as a new recipient, a new `timezone` moves open digest " +
    "windows), all in one statement. Items are validated one by one, as on `POST /v1/events/batch`: an " +
    "invalid item is `rejected` with its error, the valid ones are written. A user id given twice rejects " +
    "the whole batch (422 naming the items). An item whose fields already hold those values is `unchanged` " +
    "and not written, so sending the same batch again (a retry after a timeout) changes nothing.",
  middleware: [requireScope("users:write")] as const,
  request: { body: { required: true, content: { "application/json": { schema: UserBatchRequestSchema } } } },
  responses: { 200: jsonResponse(UserBatchResultSchema, "What became of each user"), ...commonErrors },
});

type ValidItem = { index: number; user: z.infer<typeof UserBatchItem> };

/**
 * `users.N.userId` for each item whose user id another item also has: which
 * of two items should win is the import's to say, not Herald's to guess.
 * Invalid items count too: they may be the one meant to win.
 */
function sharedUserIdDetails(items: unknown[]): { path: string; message: string }[] {
  const byUser = new Map<string, number[]>();
  items.forEach((item, index) => {
    const userId = (item as { userId?: unknown } | null)?.userId;
    if (typeof userId === "string") byUser.set(userId, [...(byUser.get(userId) ?? []), index]);
  });
  return [...byUser.values()]
    .filter((indexes) => indexes.length > 1)
    .flatMap((indexes) =>
      indexes.map((index) => ({
        path: `users.${index}.userId`,
        message: `same userId as ${indexes
          .filter((i) => i !== index)
          .map((i) => `users.${i}`)
          .join(", ")}`,
      })),
    )
    .sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
}

export function registerUsersBatch(app: App, deps: ApiDeps): void {
  // The request schema refers to it by name (its items are checked one by one, not by the route).
  app.openAPIRegistry.register("UserBatchItem", UserBatchItem);
  app.openapi(batch, async (c) => {
    const items = c.req.valid("json").users;
    const shared = sharedUserIdDetails(items);
    if (shared.length > 0) {
      throw new HeraldError(
        "validation_failed",
        `A user id appears more than once (${describeDetails(shared)}); send each user once.`,
        { details: shared },
      );
    }
    const results: UserBatchResult["results"] = [];
    const valid: ValidItem[] = [];
    items.forEach((item, index) => {
      const parsed = UserBatchItem.safeParse(item);
      if (parsed.success) {
        valid.push({ index, user: parsed.data });
        return;
      }
      results[index] = { index, outcome: "rejected", error: validationFailure(parsed.error) };
    });
    const { outcomes, digestsUnsettled } = await upsertRecipients(
      deps.db,
      valid.map(({ user: { userId, ...fields } }) => ({ userId, fields })),
    );
    await askToMoveDigests(deps, digestsUnsettled);
    for (const { index, user } of valid) results[index] = { index, outcome: outcomes.get(user.userId)! };
    const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
    return c.json(
      {
        created: count("created"),
        updated: count("updated"),
        unchanged: count("unchanged"),
        rejected: count("rejected"),
        results,
      },
      200,
    );
  });
}
