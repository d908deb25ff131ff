import { toOptInSettings } from "@herald/config";
import {
  ensureRecipient,
  eraseRecipient,
  getPreferences,
  getRecipient,
  listDevices,
  movesDigests,
  type RecipientRow,
  removeDevice,
  toPreferences,
  updatePreferences,
  upsertDevice,
  upsertRecipient,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ApiDeps } from "../deps.ts";
import type { App, HonoEnv } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { noteAudit, pathTarget, validated } from "../middleware/audited.ts";
import { requireScopeOrUserToken } from "../middleware/user-token-auth.ts";
import {
  commonErrors,
  jsonResponse,
  notFoundError,
  UserIdParam,
  userTokenErrors,
} from "../schemas/common.ts";
import { PreferencesPatchSchema, PreferencesSchema, servedPreferences } from "../schemas/preferences.ts";
import {
  DeviceSchema,
  NewDeviceSchema,
  serializeDevice,
  serializeUser,
  UserBody,
  UserSchema,
} from "../schemas/user.ts";
import { askToMoveDigests } from "../services/digest-moves.ts";
import { forgetErasedFrequencySlots } from "../services/frequency-slots.ts";
import { announceInboxEvent } from "../services/inbox-actions.ts";
import { liveRecipient } from "../services/live-recipient.ts";
import { refuseNonPublicUrl } from "../services/public-url.ts";

const tags = ["Users"];
// The user's own token or an API key (`middleware/user-token-auth.ts`); nothing else here takes a user token.
const ownPrefsSecurity: Record<string, string[]>[] = [{ UserToken: [] }, { ApiKey: [] }];
const erasedError = {
  404: { ...notFoundError[404], description: "The user id was erased (and not created again since)" },
};

const putUser = createRoute({
  method: "put",
  path: "/v1/users/{userId}",
  tags,
  summary: "Create or update a recipient",
  description: "Fields left out keep their value; null clears one.",
  middleware: [requireScope("users:write")] as const,
  request: {
    params: UserIdParam,
    body: { required: true, content: { "application/json": { schema: UserBody } } },
  },
  responses: { 200: jsonResponse(UserSchema, "The recipient"), ...commonErrors },
});

const getUser = createRoute({
  method: "get",
  path: "/v1/users/{userId}",
  tags,
  summary: "Read a recipient with their devices",
  middleware: [requireScope("read")] as const,
  request: { params: UserIdParam },
  responses: { 200: jsonResponse(UserSchema, "The recipient"), ...commonErrors, ...notFoundError },
});

const deleteUser = createRoute({
  method: "delete",
  path: "/v1/users/{userId}",
  tags,
  summary: "Erase a recipient's personal data",
  description:
    "Removes contact data, devices, preferences, topic memberships, frequency-cap counts and message content, and cancels " +
    "notifications not sent yet and dead letters an operator could retry (reason `recipient_erased`). " +
    "What remains for operators (statuses, timelines, counts) no longer carries the user id: a user " +
    "created later with the same id starts afresh. The user's tokens are revoked: their open inbox streams " +
    "receive `token_revoked` and end.",
  middleware: [requireScope("users:write")] as const,
  request: { params: UserIdParam },
  responses: { 204: { description: "Erased" }, ...commonErrors, ...notFoundError },
});

const getPrefs = createRoute({
  method: "get",
  path: "/v1/users/{userId}/preferences",
  tags: ["Preferences"],
  summary: "A recipient's notification preferences",
  security: ownPrefsSecurity,
  middleware: [requireScopeOrUserToken("read")] as const,
  description:
    "A user id Herald has not seen yet (a browser asking before the app's first event) reads as the " +
    "defaults, and nothing is created. An erased user id answers 404 until the app creates the user again. " +
    "`optIn` lists what the operator made opt-in (`OPT_IN_CATEGORIES`, `OPT_IN_CHANNELS`): such a switch " +
    "left unset is off.",
  request: { params: UserIdParam },
  responses: {
    200: jsonResponse(PreferencesSchema, "Preferences; the defaults for a user id not seen yet"),
    ...commonErrors,
    ...userTokenErrors,
    ...erasedError,
  },
});

const putPrefs = createRoute({
  method: "put",
  path: "/v1/users/{userId}/preferences",
  tags: ["Preferences"],
  summary: "Update preferences (any subset)",
  security: ownPrefsSecurity,
  middleware: [requireScopeOrUserToken("users:write")] as const,
  request: {
    params: UserIdParam,
    body: { required: true, content: { "application/json": { schema: PreferencesPatchSchema } } },
  },
  description:
    "Parts left out keep their value; `channels`, `categories` and `types` merge key by key, and `null` " +
    "clears an override so it inherits again (JSON merge patch): " +
    '`{"types": {"weekly_promo": {"channels": {"email": null}}}}` removes that one switch, ' +
    '`{"types": {"weekly_promo": null}}` all of the type\'s, `{"categories": {"marketing": {"digest": null}}}` ' +
    "makes marketing instant again. Required categories still cannot be turned off (422). " +
    "An opt-in category or channel (`optIn`) needs an explicit `true`: consent collected elsewhere is " +
    '`{"categories": {"marketing": {"enabled": true}}}`, and `null` takes it back (unset is off). `optIn` ' +
    "itself is read-only: sent back from a GET it is accepted and ignored. " +
    "Notifications held for the user's quiet hours follow a change of them, shortly after the answer: " +
    "what is no longer inside quiet hours goes at once (not before its own `sendAt`), the rest waits for " +
    "their new end (a change of the user's `timezone` does the same). " +
    "A user id Herald has not seen yet gets a recipient (in-app only until the app adds contact data). " +
    "An erased user id answers 404 and nothing is stored: only `PUT /v1/users/{userId}` creates it again, " +
    "as a new recipient.",
  responses: {
    200: jsonResponse(PreferencesSchema, "Preferences after the update"),
    ...commonErrors,
    ...userTokenErrors,
    ...erasedError,
  },
});

const addDevice = createRoute({
  method: "post",
  path: "/v1/users/{userId}/devices",
  tags: ["Devices"],
  summary: "Register a push target",
  description:
    "Creates the user if Herald has not seen it yet. A subscription or token registered before moves to this " +
    "user (browsers and phones change hands). A web push endpoint must be a public push service (422 for " +
    "private or loopback addresses unless `PUSH_ALLOW_PRIVATE_ENDPOINTS`).",
  middleware: [requireScope("users:write")] as const,
  request: {
    params: UserIdParam,
    body: { required: true, content: { "application/json": { schema: NewDeviceSchema } } },
  },
  responses: { 201: jsonResponse(DeviceSchema, "Registered"), ...commonErrors, ...erasedError },
});

const deleteDevice = createRoute({
  method: "delete",
  path: "/v1/users/{userId}/devices/{deviceId}",
  tags: ["Devices"],
  summary: "Remove a push target",
  middleware: [requireScope("users:write")] as const,
  request: {
    params: UserIdParam.extend({
      deviceId: z
        .string()
        .max(64)
        .openapi({ param: { name: "deviceId", in: "path" }, example: "dev_01jd8q3k5m6n7p8q9r0s1t2v3z" }),
    }),
  },
  responses: { 204: { description: "Removed" }, ...commonErrors, ...notFoundError },
});

/** A preferences PUT without `optIn`: the configuration a GET showed, sent back, is nobody's to change. */
function withoutOptIn<P extends { optIn?: unknown }>(body: P): Omit<P, "optIn"> {
  const { optIn: _readOnly, ...patch } = body;
  return patch;
}

export function registerUsers(app: App, deps: ApiDeps): void {
  const mustExist = (userId: string) => liveRecipient(deps.db, userId);
  const user = pathTarget("user", "userId");
  // Apps upsert users, their preferences and devices at volume through their keys: only a dashboard
  // session's edits are recorded, and those cost an API key's request nothing.
  const byDashboard = { callers: "dashboard" as const, target: user };
  const optIn = toOptInSettings(deps.env);

  // Which contact fields were sent, never their values.
  const fields = (c: Context<HonoEnv>) => ({ fields: Object.keys(validated(c)).sort() });
  app.openapi(deps.audit.route(putUser, "user.update", { ...byDashboard, details: fields }), async (c) => {
    const { userId } = c.req.valid("param");
    const body = c.req.valid("json");
    const r = await upsertRecipient(deps.db, userId, body);
    if (r.digestsMarked) await askToMoveDigests(deps, [r.id]);
    return c.json(serializeUser(r, await listDevices(deps.db, r.id)), 200);
  });

  app.openapi(getUser, async (c) => {
    const r = await mustExist(c.req.valid("param").userId);
    return c.json(serializeUser(r, await listDevices(deps.db, r.id)), 200);
  });

  app.openapi(deps.audit.route(deleteUser, "user.erase", { target: user }), async (c) => {
    const { userId } = c.req.valid("param");
    // This process's entries about the user go in first, so the erase renames them too.
    await deps.auditWriter.settled();
    const erased = await eraseRecipient(deps.db, userId);
    if (!erased) throw new HeraldError("not_found", `No user ${userId}.`);
    // Named by the tombstone, as the rest of the user's history (and their earlier entries) now is.
    noteAudit(c, { target: { type: "user", id: erased.tombstone }, details: { canceled: erased.canceled } });
    await forgetErasedFrequencySlots(deps, erased.recipientId);
    // Their open inbox streams end: the erase revoked the tokens that opened them.
    await announceInboxEvent(deps, erased.recipientId, { type: "tokens_revoked" });
    return c.body(null, 204);
  });

  // An erased user id stays erased until the app creates the user again: a stale browser tab
  // holding the erased user's token must neither bring it back nor leave preferences behind
  // for the id's next owner.
  const notErased = <R extends RecipientRow | null>(userId: string, r: R): R => {
    if (r?.erasedAt) {
      throw new HeraldError(
        "not_found",
        `User ${userId} was erased; PUT /v1/users/${userId} creates it again as a new recipient.`,
      );
    }
    return r;
  };

  app.openapi(getPrefs, async (c) => {
    const { userId } = c.req.valid("param");
    const r = notErased(userId, await getRecipient(deps.db, userId));
    // Not seen yet (a browser asking before the app's first event): what it would read once created.
    return c.json(
      servedPreferences(r ? await getPreferences(deps.db, r.id) : toPreferences(null), optIn),
      200,
    );
  });

  // Preference switches are not personal data: the change itself (without the read-only `optIn`).
  const change = (c: Context<HonoEnv>) => ({ changes: withoutOptIn(validated(c)) });
  app.openapi(
    deps.audit.route(putPrefs, "preferences.update", { ...byDashboard, details: change }),
    async (c) => {
      const { userId } = c.req.valid("param");
      const r = notErased(userId, await ensureRecipient(deps.db, userId));
      const patch = withoutOptIn(c.req.valid("json"));
      const saved = await updatePreferences(deps.db, r.id, patch);
      if (movesDigests(patch)) await askToMoveDigests(deps, [r.id]);
      return c.json(servedPreferences(saved, optIn), 200);
    },
  );

  const kind = (c: Context<HonoEnv>) => ({ kind: validated<{ kind: string }>(c).kind });
  app.openapi(deps.audit.route(addDevice, "device.add", { ...byDashboard, details: kind }), async (c) => {
    const body = c.req.valid("json");
    // Before anything is written: a refused device must not leave a new recipient behind.
    if (body.kind === "webpush") {
      // Names are checked again, once resolved, when the worker sends.
      refuseNonPublicUrl(
        body.subscription.endpoint,
        deps.env.PUSH_ALLOW_PRIVATE_ENDPOINTS,
        "subscription.endpoint",
        "must be a public push service",
      );
    }
    const { userId } = c.req.valid("param");
    const r = notErased(userId, await ensureRecipient(deps.db, userId));
    const device = await upsertDevice(
      deps.db,
      r.id,
      body.kind === "webpush"
        ? { kind: "webpush", address: body.subscription.endpoint, keys: body.subscription.keys }
        : { kind: body.kind, address: body.token },
    );
    return c.json(serializeDevice(device), 201);
  });

  const device = (c: Context<HonoEnv>) => ({ deviceId: c.req.param("deviceId") });
  app.openapi(
    deps.audit.route(deleteDevice, "device.remove", { ...byDashboard, details: device }),
    async (c) => {
      const { userId, deviceId } = c.req.valid("param");
      const r = await mustExist(userId);
      if (!(await removeDevice(deps.db, r.id, deviceId)))
        throw new HeraldError("not_found", `No device ${deviceId}.`);
      return c.body(null, 204);
    },
  );
}
