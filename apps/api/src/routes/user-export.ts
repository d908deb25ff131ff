import { toOptInSettings } from "@herald/config";
import { getRecipient } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ApiDeps } from "../deps.ts";
import type { App, HonoEnv } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { pathTarget } from "../middleware/audited.ts";
import { commonErrors, notFoundError, UserIdParam } from "../schemas/common.ts";
import { UserExportSchema } from "../schemas/user-export.ts";
import { seesSecrets } from "../services/secret-content.ts";
import { userExportStream } from "../services/user-export.ts";

const exportRoute = createRoute({
  method: "get",
  path: "/v1/users/{userId}/export",
  tags: ["Users"],
  summary: "Everything Herald holds about a user, as one JSON file (GDPR access and portability)",
  description:
    "A download (`Content-Disposition: attachment`) of the user's contact data and properties, preferences, " +
    "devices (a web push subscription by its push service's origin, an FCM or APNs token by its last 6 " +
    "characters: endpoints and tokens are credentials), topic memberships, the suppressions of their current " +
    "addresses, their own events with their data, and every notification to them with its rendered content " +
    "and timeline, oldest first. Topic events' data is not included (the app's broadcast, not the user's); " +
    "the notifications they made for the user are. For a support session, `security` messages' content and " +
    "event data are hidden as everywhere else. The body is streamed while it is read from the database, a " +
    "few hundred rows at a time: should a read fail once the answer has begun, the connection is cut before " +
    "the end, so the file is truncated (not valid JSON) rather than complete-looking; download it again. " +
    "Every export is recorded in the audit log (`user.export`). 404: an unknown user, or an erased one (the " +
    "message says so).",
  middleware: [requireScope("read")] as const,
  request: { params: UserIdParam },
  responses: {
    200: {
      description: "The export, as a JSON download",
      content: { "application/json": { schema: UserExportSchema } },
    },
    ...commonErrors,
    ...notFoundError,
  },
});

/**
 * The download's file name: the user id with anything but letters, digits,
 * `.`, `_` and `-` as `_` (quotes, slashes and non-ASCII do not belong in a
 * header's quoted string or a file name), and the full id in `filename*`.
 */
function exportFileName(userId: string, at: Date): string {
  const date = at.toISOString().slice(0, 10);
  const plain = `herald-export-${userId.replaceAll(/[^A-Za-z0-9._-]/g, "_")}-${date}.json`;
  // RFC 8187's value characters: encodeURIComponent leaves ' ( ) * as they are.
  const full = encodeURIComponent(`herald-export-${userId}-${date}.json`).replaceAll(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${plain}"; filename*=UTF-8''${full}`;
}

/** `GET /v1/users/{userId}/export`: the body is made by `userExportStream`. */
export function registerUserExport(app: App, deps: ApiDeps): void {
  const user = pathTarget("user", "userId");
  const optIn = toOptInSettings(deps.env);
  const details = (c: Context<HonoEnv>) => ({ securityContent: seesSecrets(c) ? "included" : "hidden" });
  app.openapi(deps.audit.route(exportRoute, "user.export", { target: user, details }), async (c) => {
    const { userId } = c.req.valid("param");
    const recipient = await getRecipient(deps.db, userId);
    if (!recipient) throw new HeraldError("not_found", `No user ${userId}.`);
    if (recipient.erasedAt) {
      throw new HeraldError(
        "not_found",
        `User ${userId} was erased: Herald holds no personal data for it (PUT /v1/users/${userId} would create a new recipient).`,
      );
    }
    const now = new Date();
    const body = await userExportStream(
      deps,
      { recipient, sees: seesSecrets(c), requestId: c.get("requestId"), optIn },
      { now },
    );
    const res = c.body(body, 200, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": exportFileName(userId, now),
      // Personal data: no cache along the way keeps a copy.
      "Cache-Control": "no-store",
    });
    // The body is the documented JSON, written as a stream rather than through `c.json`.
    return res as never;
  });
}
