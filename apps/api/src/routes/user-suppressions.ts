import { contactAddress } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { noteAudit, pathTarget } from "../middleware/audited.ts";
import { commonErrors, notFoundError, UserIdParam } from "../schemas/common.ts";
import {
  complaintError,
  exampleEmailSuppression,
  exampleSmsSuppression,
  SuppressionChannel,
  SuppressionListSchema,
  SuppressionSchema,
  serializeSuppression,
  suppressionAddedResponses,
  UserSuppressionAddSchema,
} from "../schemas/suppression.ts";
import { liveRecipient } from "../services/live-recipient.ts";
import { addSuppression } from "../services/suppression-add.ts";
import { ADDRESS_NAME, liftSuppression } from "../services/suppression-lift.ts";
import { userSuppressions } from "../services/user-suppressions.ts";

const tags = ["Suppressions"];

const list = createRoute({
  method: "get",
  path: "/v1/users/{userId}/suppressions",
  tags,
  summary: "Why a user gets no e-mail or SMS: the suppressions of their addresses",
  description:
    "The suppression list entries of the user's current e-mail address and phone number (at most one each). " +
    "While an address is on the list, the user's notifications on that channel end `SUPPRESSED` with reason " +
    "`bounced_address`, critical ones included, until the address is lifted (`DELETE …/suppressions/{channel}`) " +
    "or the user's address changes. Each entry says why (`bounced`, `complained`, or `manual` with its `note` and " +
    "`suppressedBy`); an operator adds one with `POST …/suppressions`. An address the user no longer has is " +
    "not listed: look it up with `POST /v1/suppressions/lookup`. An empty list: both addresses get messages. An " +
    "unknown or erased user id answers 404.",
  middleware: [requireScope("read")] as const,
  request: { params: UserIdParam },
  responses: {
    200: {
      description: "The user's suppressed addresses, e-mail first",
      content: {
        "application/json": {
          schema: SuppressionListSchema,
          example: { data: [exampleEmailSuppression, exampleSmsSuppression] },
        },
      },
    },
    ...commonErrors,
    ...notFoundError,
  },
});

const add = createRoute({
  method: "post",
  path: "/v1/users/{userId}/suppressions",
  tags,
  summary: "Suppress a user's current e-mail address or phone number by hand",
  description:
    "Puts the user's current address on `channel` on the suppression list with reason `manual`: the phone " +
    "number or mailbox no longer belongs to the user, or a legal request says to stop. From then on the " +
    "user's notifications on that channel end `SUPPRESSED` with reason `bounced_address` (critical ones " +
    "included, at routing and again when a held one is due), as for a bounce, until it is lifted " +
    "(`DELETE …/suppressions/{channel}`, no `force` needed) or the user's address changes. What is suppressed " +
    "is the address, not the user: another user with the same address gets nothing on it either. The `note` " +
    "and the caller (API key or dashboard account) are kept and shown with the entry. Idempotent: an address " +
    "already suppressed, for any reason, answers 200 with its entry unchanged (a complaint stays a complaint); " +
    "a new entry answers 201. Logged at info with the caller's id and the user's Herald id. 404: an unknown or " +
    "erased user. 422: the user has no address on that channel, or `channel` is `push` or `in_app` (a push " +
    "device is removed instead: `DELETE /v1/users/{userId}/devices/{deviceId}`).",
  middleware: [requireScope("users:write")] as const,
  request: {
    params: UserIdParam,
    body: { required: true, content: { "application/json": { schema: UserSuppressionAddSchema } } },
  },
  responses: {
    ...suppressionAddedResponses,
    ...commonErrors,
    ...notFoundError,
  },
});

const lift = createRoute({
  method: "delete",
  path: "/v1/users/{userId}/suppressions/{channel}",
  tags,
  summary: "Lift the suppression of a user's e-mail address or phone number",
  description:
    "Takes the user's current address on `channel` off the suppression list, so their next notifications on " +
    "it are sent again (those already `SUPPRESSED` stay so; ones held by quiet hours or `sendAt` go out when " +
    "due). Use it once the mailbox works again or the user replied START. If it still does not, the provider's " +
    "next bounce suppresses it again. A `complained` suppression (the user reported a message as spam) answers " +
    "409 unless `force=true`: lifting it is the operator's responsibility, and mailing someone who marked you " +
    "as spam harms your sender reputation; do it only when the user asked for messages again. Answers what " +
    "was lifted. Logged at info with the caller's key or dashboard account id and the user's Herald id. " +
    "404: an unknown or erased user, no address on that channel, or an address that is not suppressed.",
  middleware: [requireScope("users:write")] as const,
  request: {
    params: UserIdParam.extend({
      channel: SuppressionChannel.openapi({ param: { name: "channel", in: "path" }, example: "email" }),
    }),
    query: z.object({
      force: z
        .enum(["true", "false"])
        .optional()
        .openapi({ example: "true", description: "`true`: also lift a `complained` suppression" }),
    }),
  },
  responses: {
    200: {
      description: "Lifted: the suppression as it was",
      content: { "application/json": { schema: SuppressionSchema, example: exampleEmailSuppression } },
    },
    ...commonErrors,
    ...notFoundError,
    ...complaintError,
  },
});

/** A user's suppressed addresses: `GET` why they get nothing, `POST` to add one by hand, `DELETE` to lift one. */
export function registerUserSuppressions(app: App, deps: ApiDeps): void {
  const mustExist = (userId: string) => liveRecipient(deps.db, userId);
  const user = pathTarget("user", "userId");

  app.openapi(list, async (c) => {
    const r = await mustExist(c.req.valid("param").userId);
    const data = (await userSuppressions(deps.db, r)).map(serializeSuppression);
    return c.json({ data }, 200);
  });

  app.openapi(deps.audit.route(add, "suppression.add", { target: user }), async (c) => {
    const { userId } = c.req.valid("param");
    const { channel, note } = c.req.valid("json");
    const r = await mustExist(userId);
    const address = contactAddress(channel, r);
    if (!address) {
      const message = `User ${userId} has no ${ADDRESS_NAME[channel]} to suppress.`;
      throw new HeraldError("validation_failed", message, { details: [{ path: "channel", message }] });
    }
    const { row, created } = await addSuppression(deps, c, {
      channel,
      address,
      note,
      recipient: { id: r.id },
    });
    noteAudit(c, { details: { channel, created, reason: row.reason } });
    return created ? c.json(serializeSuppression(row), 201) : c.json(serializeSuppression(row), 200);
  });

  app.openapi(deps.audit.route(lift, "suppression.lift", { target: user }), async (c) => {
    const { userId, channel } = c.req.valid("param");
    const r = await mustExist(userId);
    const address = contactAddress(channel, r);
    if (!address) throw new HeraldError("not_found", `User ${userId} has no ${ADDRESS_NAME[channel]}.`);
    const row = await liftSuppression(deps, c, {
      channel,
      address,
      force: c.req.valid("query").force === "true",
      recipient: { id: r.id, userId },
    });
    noteAudit(c, { details: { channel, reason: row.reason } });
    return c.json(serializeSuppression(row), 200);
  });
}
