/**
 * Which `@herald/client` method calls each operation of `/openapi.json`, and
 * why the others have none: checked both ways by `client-coverage.test.ts`.
 * A route added to the API fails that test until it is listed here.
 */

/** A method by its path on a `Herald` (`"apiKeys.rotate"`), with arguments that make it call its route. */
export type ClientCall = readonly [method: string, ...args: unknown[]];

/** `"METHOD /path"` as the document spells it → the client method that calls it. */
export const CLIENT_METHODS: Record<string, ClientCall> = {
  "POST /v1/events": ["events.trigger", { type: "order_placed", userId: "u1", data: {} }],
  "POST /v1/events/batch": ["events.batch", [{ type: "order_placed", userId: "u1", data: {} }]],
  "GET /v1/events/{eventId}": ["events.get", "evt_1"],
  "DELETE /v1/events/{eventId}": ["events.cancel", "evt_1"],
  "GET /v1/events/{eventId}/misses": ["events.misses", "evt_1"],
  "POST /v1/events/{eventId}/retry": ["events.retry", "evt_1"],
  "GET /v1/notifications": ["notifications.list"],
  "GET /v1/notifications/{notificationId}": ["notifications.get", "ntf_1"],
  "PATCH /v1/notifications/{notificationId}": ["notifications.reschedule", "ntf_1", "2026-12-01T09:00:00Z"],
  "DELETE /v1/notifications/{notificationId}": ["notifications.cancel", "ntf_1"],
  "GET /v1/users/{userId}": ["users.get", "u1"],
  "PUT /v1/users/{userId}": ["users.upsert", "u1", {}],
  "POST /v1/users/batch": ["users.upsertMany", [{ userId: "u1", email: "u1@example.com" }]],
  "DELETE /v1/users/{userId}": ["users.erase", "u1"],
  "GET /v1/users/{userId}/export": ["users.export", "u1"],
  "GET /v1/users/{userId}/events": ["users.events", "u1"],
  "GET /v1/users/{userId}/topics": ["users.topics", "u1"],
  "GET /v1/users/{userId}/token": ["users.token", "u1"],
  "POST /v1/users/{userId}/token/revoke": ["users.revokeTokens", "u1"],
  "GET /v1/users/{userId}/preferences": ["preferences.get", "u1"],
  "PUT /v1/users/{userId}/preferences": ["preferences.update", "u1", {}],
  "POST /v1/users/{userId}/devices": ["devices.register", "u1", { kind: "fcm", token: "token-1" }],
  "DELETE /v1/users/{userId}/devices/{deviceId}": ["devices.remove", "u1", "dev_1"],
  "GET /v1/users/{userId}/suppressions": ["suppressions.list", "u1"],
  "POST /v1/users/{userId}/suppressions": ["suppressions.add", "u1", "sms"],
  "DELETE /v1/users/{userId}/suppressions/{channel}": ["suppressions.lift", "u1", "email"],
  "POST /v1/suppressions/lookup": ["suppressions.lookup", { channel: "email", address: "a@example.com" }],
  "POST /v1/suppressions": ["suppressions.addAddress", { channel: "email", address: "a@example.com" }],
  "POST /v1/suppressions/lift": ["suppressions.liftAddress", { channel: "email", address: "a@example.com" }],
  "GET /v1/topics": ["topics.list"],
  "GET /v1/topics/{key}": ["topics.get", "news"],
  "DELETE /v1/topics/{key}": ["topics.delete", "news"],
  "GET /v1/topics/{key}/subscribers": ["topics.subscribers", "news"],
  "POST /v1/topics/{key}/subscribers": ["topics.subscribe", "news", ["u1"]],
  "DELETE /v1/topics/{key}/subscribers": ["topics.unsubscribe", "news", ["u1"]],
  "GET /v1/users/{userId}/inbox": ["inbox.list", "u1"],
  "POST /v1/users/{userId}/inbox/{notificationId}/read": ["inbox.markRead", "u1", "ntf_1"],
  "POST /v1/users/{userId}/inbox/{notificationId}/seen": ["inbox.markSeen", "u1", "ntf_1"],
  "POST /v1/users/{userId}/inbox/{notificationId}/archive": ["inbox.archive", "u1", "ntf_1"],
  "POST /v1/users/{userId}/inbox/{notificationId}/unread": ["inbox.markUnread", "u1", "ntf_1"],
  "POST /v1/users/{userId}/inbox/{notificationId}/unarchive": ["inbox.unarchive", "u1", "ntf_1"],
  "POST /v1/users/{userId}/inbox/read-all": ["inbox.markAllRead", "u1"],
  "POST /v1/users/{userId}/inbox/seen": ["inbox.markSeen", "u1", ["ntf_1", "ntf_2"]],
  "POST /v1/users/{userId}/inbox/seen-all": ["inbox.markAllSeen", "u1"],
  "GET /v1/stats": ["stats"],
  "GET /v1/dead-letters": ["deadLetters.list"],
  "POST /v1/dead-letters/{notificationId}/retry": ["deadLetters.retry", "ntf_1"],
  "POST /v1/dead-letters/retry": ["deadLetters.retryAll"],
  "DELETE /v1/dead-letters/{notificationId}": ["deadLetters.discard", "ntf_1"],
  "GET /v1/api-keys": ["apiKeys.list"],
  "POST /v1/api-keys": ["apiKeys.create", { name: "ci", scopes: ["read"] }],
  "GET /v1/api-keys/{keyId}": ["apiKeys.get", "key_1"],
  "DELETE /v1/api-keys/{keyId}": ["apiKeys.revoke", "key_1"],
  "POST /v1/api-keys/{keyId}/rotate": ["apiKeys.rotate", "key_1"],
  "GET /v1/webhook-endpoints": ["webhookEndpoints.list"],
  "POST /v1/webhook-endpoints": ["webhookEndpoints.create", { url: "https://hooks.example.com/herald" }],
  "GET /v1/webhook-endpoints/{endpointId}": ["webhookEndpoints.get", "whe_1"],
  "PATCH /v1/webhook-endpoints/{endpointId}": ["webhookEndpoints.update", "whe_1", { enabled: false }],
  "DELETE /v1/webhook-endpoints/{endpointId}": ["webhookEndpoints.delete", "whe_1"],
  "POST /v1/webhook-endpoints/{endpointId}/rotate-secret": ["webhookEndpoints.rotateSecret", "whe_1"],
  "POST /v1/webhook-endpoints/{endpointId}/test": ["webhookEndpoints.test", "whe_1"],
  "GET /v1/audit-log": ["auditLog.list", { action: "user." }],
  "POST /v1/schedules": [
    "schedules.create",
    { type: "weekly_promo", userId: "u1", data: {}, repeat: { frequency: "daily", at: "09:00" } },
  ],
  "GET /v1/schedules": ["schedules.list"],
  "GET /v1/schedules/{scheduleId}": ["schedules.get", "sch_1"],
  "PATCH /v1/schedules/{scheduleId}": ["schedules.update", "sch_1", { paused: true }],
  "DELETE /v1/schedules/{scheduleId}": ["schedules.delete", "sch_1"],
};

const dashboard = (what: string) => `the dashboard's own page data or session: ${what}`;

/**
 * Operations the client leaves out, each with why: it is a server-side client
 * holding an API key, so what a browser, a mail client, a provider, a probe
 * or the dashboard calls is not its business.
 */
export const NOT_IN_CLIENT: Record<string, string> = {
  "GET /healthz": "a liveness probe for the orchestrator, no key",
  "GET /readyz": "a readiness probe for the load balancer, no key",
  "GET /metrics": "Prometheus scrapes it with METRICS_TOKEN, not an API key",
  "GET /unsubscribe/{token}": "the unsubscribe link a recipient opens from an e-mail (signed token)",
  "POST /unsubscribe/{token}": "the one-click unsubscribe a recipient's mail client posts (signed token)",
  "GET /t/o/{token}": "the open pixel a recipient's mail client loads (signed token)",
  "GET /t/c/{token}": "the click redirect a recipient follows from an e-mail (signed token)",
  "GET /v1/users/{userId}/inbox/stream":
    "a live SSE stream for the user's browser (EventSource with ?token= from users.token); a backend reads the feed with inbox.list",
  "GET /v1/push/vapid-public-key":
    "public: the browser reads it for pushManager.subscribe; the backend then calls devices.register",
  "POST /v1/push/clicks": "herald-sw.js reports a web push click from the user's browser",
  "POST /v1/webhooks/resend": "Resend's delivery events, signed by Resend (Svix)",
  "POST /v1/webhooks/twilio": "Twilio's SMS status callbacks, signed by Twilio",
  "GET /v1/dashboard/session": dashboard("who is signed in"),
  "POST /v1/dashboard/session": dashboard("sign-in with an account's password"),
  "DELETE /v1/dashboard/session": dashboard("sign-out"),
  "GET /v1/dashboard/accounts": dashboard("its accounts, which are not API keys"),
  "POST /v1/dashboard/accounts": dashboard("adding an account"),
  "PATCH /v1/dashboard/accounts/{accountId}": dashboard("changing an account"),
  "GET /v1/dashboard/overview": dashboard("the overview page's queue and provider figures"),
  "GET /v1/dashboard/notifications/{notificationId}/job": dashboard("where a send job is in BullMQ"),
  "GET /v1/dashboard/users": dashboard(
    "support's user search by e-mail or phone; a backend knows its user ids",
  ),
  "GET /v1/dashboard/outbox": dashboard("the dev outbox provider's captured messages"),
  "GET /v1/dashboard/templates": dashboard("template previews with example data"),
  "POST /v1/dashboard/templates/{type}/test": dashboard("sending a type's example to a user"),
};
