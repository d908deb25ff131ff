import { addressHash, findSuppression } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ApiDeps } from "../deps.ts";
import type { App, HonoEnv } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { type AuditTarget, noteAudit, validated } from "../middleware/audited.ts";
import { commonErrors, notFoundError } from "../schemas/common.ts";
import {
  complaintError,
  exampleEmailSuppression,
  exampleSmsSuppression,
  SuppressionAddSchema,
  SuppressionLiftSchema,
  SuppressionLookupSchema,
  SuppressionSchema,
  serializeSuppression,
  suppressionAddedResponses,
} from "../schemas/suppression.ts";
import { addSuppression } from "../services/suppression-add.ts";
import { ADDRESS_NAME, liftSuppression } from "../services/suppression-lift.ts";

const tags = ["Suppressions"];
// POST, with the address in the body: a URL (path or query) ends up in proxies' and browsers' logs.
const ADDRESS_IN_BODY =
  "The address travels in the body, never in the URL, so no proxy or access log records it.";

const lookup = createRoute({
  method: "post",
  path: "/v1/suppressions/lookup",
  tags,
  summary: "Is this address suppressed, and why",
  description:
    "Looks an e-mail address or phone number up on the suppression list, whether or not a user has it now " +
    "(an address a user had before, one a support request names). The list keeps a hash of each address, " +
    "not the address: only a caller who knows the address finds its entry. For a user's current addresses, " +
    `\`GET /v1/users/{userId}/suppressions\` says it in one call. ${ADDRESS_IN_BODY} 404: not suppressed.`,
  middleware: [requireScope("read")] as const,
  request: {
    body: { required: true, content: { "application/json": { schema: SuppressionLookupSchema } } },
  },
  responses: {
    200: {
      description: "Suppressed: since when, why, reported by whom",
      content: { "application/json": { schema: SuppressionSchema, example: exampleEmailSuppression } },
    },
    ...commonErrors,
    ...notFoundError,
  },
});

const lift = createRoute({
  method: "post",
  path: "/v1/suppressions/lift",
  tags,
  summary: "Lift the suppression of an address",
  description:
    "Takes an e-mail address or phone number off the suppression list, whoever has it, so notifications to it " +
    "are sent again (a mailbox that works again, a number whose owner replied START). If it still bounces, " +
    "the provider's next report suppresses it again. A `complained` suppression (spam report) answers 409 " +
    'unless `"force": true`: lifting it is the operator\'s responsibility, and mailing someone who marked you ' +
    "as spam harms your sender reputation. Answers what was lifted; logged at info with the caller's key or " +
    `dashboard account id. ${ADDRESS_IN_BODY} 404: not suppressed. For a user's current address, ` +
    "`DELETE /v1/users/{userId}/suppressions/{channel}` needs no address.",
  middleware: [requireScope("users:write")] as const,
  request: {
    body: { required: true, content: { "application/json": { schema: SuppressionLiftSchema } } },
  },
  responses: {
    200: {
      description: "Lifted: the suppression as it was",
      content: { "application/json": { schema: SuppressionSchema, example: exampleSmsSuppression } },
    },
    ...commonErrors,
    ...notFoundError,
    ...complaintError,
  },
});

const add = createRoute({
  method: "post",
  path: "/v1/suppressions",
  tags,
  summary: "Suppress an address by hand",
  description:
    "Puts an e-mail address or phone number on the suppression list with reason `manual`, whoever has it now " +
    "or later: a legal request to stop, a number known to be reassigned. Every user with that address then " +
    "gets nothing on that channel (`SUPPRESSED`, reason `bounced_address`, critical notifications included, at " +
    "routing and again at send time) until it is lifted (`POST /v1/suppressions/lift`, no `force` needed). " +
    "The address is normalised as the router does (e-mail case-insensitively, phone numbers without " +
    "separators) and stored only as a hash; the `note` and the caller (API key or dashboard account) are kept " +
    "and shown with the entry. Idempotent: an address already suppressed, for any reason, answers 200 with its " +
    "entry unchanged (a complaint stays a complaint); a new entry answers 201. Logged at info with the " +
    `caller's id. ${ADDRESS_IN_BODY} For a user's current address, \`POST /v1/users/{userId}/suppressions\` ` +
    "needs no address. 422: not an e-mail address or E.164 number, `channel` `push` or `in_app` (a push " +
    "device is removed instead: `DELETE /v1/users/{userId}/devices/{deviceId}`), or a note naming the address.",
  middleware: [requireScope("users:write")] as const,
  request: {
    body: { required: true, content: { "application/json": { schema: SuppressionAddSchema } } },
  },
  responses: {
    ...suppressionAddedResponses,
    ...commonErrors,
  },
});

/**
 * An address as the suppression list keys it (`email:<sha256>`): the entry
 * names the entry it changed, never the address.
 */
function addressTarget(c: Context<HonoEnv>): AuditTarget {
  const { channel, address } = validated<{ channel: "email" | "sms"; address: string }>(c);
  return { type: "address", id: `${channel}:${addressHash(channel, address)}` };
}

const channelOf = (c: Context<HonoEnv>) => ({ channel: validated<{ channel: string }>(c).channel });

/** The suppression list by address, for addresses no user (or no longer the user) has. */
export function registerSuppressions(app: App, deps: ApiDeps): void {
  const byAddress = { target: addressTarget, details: channelOf };
  // A lookup changes nothing; a support agent's lookups are still recorded, as every dashboard POST is.
  app.openapi(
    deps.audit.route(lookup, "suppression.lookup", { ...byAddress, callers: "dashboard" }),
    async (c) => {
      const { channel, address } = c.req.valid("json");
      const row = await findSuppression(deps.db, channel, address);
      if (!row) throw new HeraldError("not_found", `This ${ADDRESS_NAME[channel]} is not suppressed.`);
      return c.json(serializeSuppression(row), 200);
    },
  );

  app.openapi(deps.audit.route(add, "suppression.add", byAddress), async (c) => {
    const { row, created } = await addSuppression(deps, c, c.req.valid("json"));
    noteAudit(c, { details: { created, reason: row.reason } });
    return created ? c.json(serializeSuppression(row), 201) : c.json(serializeSuppression(row), 200);
  });

  app.openapi(deps.audit.route(lift, "suppression.lift", byAddress), async (c) => {
    const { channel, address, force } = c.req.valid("json");
    return c.json(serializeSuppression(await liftSuppression(deps, c, { channel, address, force })), 200);
  });
}
