/**
 * Compile-time contract between the API's answers and `@herald/client`'s
 * types: checked by the repository's typecheck (part of `npm test`). If a
 * route's schema changes so that the client would mis-describe it, this file
 * stops compiling.
 *
 * Routes whose schemas are private to their route file are checked against
 * the OpenAPI document's types (`apps/dashboard/src/api/openapi-types.ts`,
 * generated from `/openapi.json`; the dashboard's `api-types` test fails when
 * it is stale), and each newer client method against its route's answer.
 */
import type * as client from "@herald/client";
import type { ApiKeyScope } from "@herald/db";
import type { OpsAlertSchema, StatusChangeSchema, StatusWebhookSchema } from "@herald/jobs";
import type { z } from "@hono/zod-openapi";
import type { components, paths } from "../../dashboard/src/api/openapi-types.ts";
import type {
  ApiKeySchema,
  CreatedApiKeySchema,
  NewApiKeySchema,
  RotateApiKeySchema,
} from "../src/schemas/api-key.ts";
import type { BatchResultSchema, EventSchema } from "../src/schemas/event.ts";
import type {
  InboxCountsSchema,
  InboxFeedSchema,
  InboxItemResultSchema,
  InboxSeenAllSchema,
  InboxSeenRequestSchema,
  InboxSeenSchema,
} from "../src/schemas/inbox.ts";
import type { NotificationSchema, NotificationWithTimelineSchema } from "../src/schemas/notification.ts";
import type { PreferencesPatchSchema, PreferencesSchema } from "../src/schemas/preferences.ts";
import type {
  ScheduleDetailSchema,
  SchedulePageSchema,
  SchedulePatchSchema,
  ScheduleRequestSchema,
  ScheduleSchema,
} from "../src/schemas/schedule.ts";
import type {
  SuppressionAddSchema,
  SuppressionLiftSchema,
  SuppressionLookupSchema,
  SuppressionSchema,
  UserSuppressionAddSchema,
} from "../src/schemas/suppression.ts";
import type { UserTopicPageSchema } from "../src/schemas/topic.ts";
import type { DeviceSchema, NewDeviceSchema, UserFields, UserSchema } from "../src/schemas/user.ts";
import type { UserBatchItem, UserBatchResultSchema } from "../src/schemas/user-batch.ts";

type Assert<T extends true> = T;
/** What the API answers can be used as what the client promises. */
type Answers<Api, Client> = [Api] extends [Client] ? true : false;
/** What the client sends is accepted by the API's schema. */
type Accepts<Api, Client> = [Client] extends [Api] ? true : false;
/** The client's filter or body names exactly the route's parameters, no more, no fewer. */
type SameKeys<Api, Client> = [Exclude<keyof Api, keyof Client> | Exclude<keyof Client, keyof Api>] extends [
  never,
]
  ? true
  : false;
/** What the client puts on the wire: Dates as ISO strings, booleans in a query as `"true"`/`"false"`. */
type Wire<T> = {
  [K in keyof T]: T[K] extends infer V
    ? V extends Date
      ? string
      : V extends boolean
        ? "true" | "false"
        : V
    : never;
};

type Schemas = components["schemas"];
type Query<Route extends { parameters: { query?: unknown } }> = NonNullable<Route["parameters"]["query"]>;
type Json<Response> = Response extends { content: { "application/json": infer Body } } ? Body : never;
type Returns<Method> = Method extends (...args: never[]) => Promise<infer R> ? R : never;
type Args<Method> = Method extends (...args: infer A) => unknown ? A : never;
type Herald = client.Herald;
/** `inbox.markSeen`'s two forms, by its second argument: one id (the per-item route) or a list (the bulk one). */
type MarkSeen = Herald["inbox"]["markSeen"] extends {
  (userId: string, notificationId: string): Promise<infer One>;
  (userId: string, ids: readonly string[]): Promise<infer Many>;
}
  ? { one: One; many: Many }
  : never;

export type Contract = [
  // schedules
  Assert<Answers<z.infer<typeof ScheduleSchema>, client.Schedule>>,
  Assert<Answers<z.infer<typeof ScheduleDetailSchema>, client.ScheduleDetail>>,
  Assert<Answers<z.infer<typeof SchedulePageSchema>, client.Page<client.Schedule>>>,
  Assert<Accepts<z.input<typeof ScheduleRequestSchema>, Wire<client.NewSchedule>>>,
  // schedules.update sends endsAt as an ISO string.
  Assert<
    Accepts<
      z.input<typeof SchedulePatchSchema>,
      Omit<client.SchedulePatch, "endsAt"> & { endsAt?: string | null }
    >
  >,
  Assert<SameKeys<Query<paths["/v1/schedules"]["get"]>, client.ScheduleListOptions>>,
  Assert<Answers<z.infer<typeof NotificationSchema>, client.Notification>>,
  Assert<Answers<z.infer<typeof NotificationWithTimelineSchema>, client.NotificationWithTimeline>>,
  Assert<Answers<z.infer<typeof EventSchema>, client.HeraldEvent>>,
  Assert<Answers<z.infer<typeof BatchResultSchema>, client.BatchResult>>,
  Assert<Answers<z.infer<typeof UserSchema>, client.User>>,
  Assert<Answers<z.infer<typeof DeviceSchema>, client.Device>>,
  Assert<Answers<z.infer<typeof PreferencesSchema>, client.Preferences>>,
  Assert<Accepts<z.input<typeof UserFields>, client.UserFields>>,
  Assert<Accepts<z.input<typeof UserBatchItem>, client.UserUpsert>>,
  Assert<Answers<z.infer<typeof UserBatchResultSchema>, client.UserBatchResult>>,
  Assert<Accepts<z.input<typeof NewDeviceSchema>, client.NewDevice>>,
  Assert<Accepts<z.input<typeof PreferencesPatchSchema>, client.PreferencesUpdate>>,
  // ...and the client can say all the API takes: null to clear an override included.
  Assert<Accepts<client.PreferencesUpdate, z.input<typeof PreferencesPatchSchema>>>,
  // notifications.reschedule
  Assert<
    Accepts<Schemas["Reschedule"], Wire<{ sendAt: Parameters<Herald["notifications"]["reschedule"]>[1] }>>
  >,
  Assert<
    Answers<
      Json<paths["/v1/notifications/{notificationId}"]["patch"]["responses"][200]>,
      Returns<Herald["notifications"]["reschedule"]>
    >
  >,
  // events.cancel
  Assert<
    Answers<
      Json<paths["/v1/events/{eventId}"]["delete"]["responses"][200]>,
      Returns<Herald["events"]["cancel"]>
    >
  >,
  // events.retry
  Assert<
    Answers<
      Json<paths["/v1/events/{eventId}/retry"]["post"]["responses"][202]>,
      Returns<Herald["events"]["retry"]>
    >
  >,
  // notifications.list
  Assert<SameKeys<Query<paths["/v1/notifications"]["get"]>, client.NotificationFilter>>,
  Assert<Accepts<Query<paths["/v1/notifications"]["get"]>, Wire<client.NotificationFilter>>>,
  // events.misses
  Assert<
    Answers<
      Json<paths["/v1/events/{eventId}/misses"]["get"]["responses"][200]>,
      Returns<Herald["events"]["misses"]>
    >
  >,
  Assert<SameKeys<Query<paths["/v1/events/{eventId}/misses"]["get"]>, client.PageOptions>>,
  // users.events / users.topics
  Assert<Answers<Schemas["UserEventList"], client.Page<client.UserEvent>>>,
  Assert<
    Answers<
      Json<paths["/v1/users/{userId}/events"]["get"]["responses"][200]>,
      Returns<Herald["users"]["events"]>
    >
  >,
  Assert<SameKeys<Query<paths["/v1/users/{userId}/events"]["get"]>, client.UserEventFilter>>,
  Assert<Accepts<Query<paths["/v1/users/{userId}/events"]["get"]>, Wire<client.UserEventFilter>>>,
  Assert<Answers<z.infer<typeof UserTopicPageSchema>, client.Page<client.UserTopic>>>,
  Assert<
    Answers<
      Json<paths["/v1/users/{userId}/topics"]["get"]["responses"][200]>,
      Returns<Herald["users"]["topics"]>
    >
  >,
  Assert<SameKeys<Query<paths["/v1/users/{userId}/topics"]["get"]>, client.PageOptions>>,
  Assert<Accepts<Query<paths["/v1/users/{userId}/topics"]["get"]>, client.PageOptions>>,
  // stats
  Assert<Answers<Schemas["DeliveryStats"], client.Stats>>,
  Assert<Answers<Json<paths["/v1/stats"]["get"]["responses"][200]>, Returns<Herald["stats"]>>>,
  Assert<SameKeys<Query<paths["/v1/stats"]["get"]>, client.StatsFilter>>,
  Assert<Accepts<Query<paths["/v1/stats"]["get"]>, Wire<client.StatsFilter>>>,
  // deadLetters
  Assert<Answers<Schemas["DeadLetterList"], client.Page<client.DeadLetter>>>,
  Assert<
    Answers<Json<paths["/v1/dead-letters"]["get"]["responses"][200]>, Returns<Herald["deadLetters"]["list"]>>
  >,
  Assert<SameKeys<Query<paths["/v1/dead-letters"]["get"]>, client.DeadLetterFilter>>,
  Assert<Accepts<Query<paths["/v1/dead-letters"]["get"]>, Wire<client.DeadLetterFilter>>>,
  Assert<
    Answers<
      Json<paths["/v1/dead-letters/{notificationId}/retry"]["post"]["responses"][202]>,
      Returns<Herald["deadLetters"]["retry"]>
    >
  >,
  Assert<Answers<Schemas["DeadLetterRetryResult"], client.DeadLetterRetryResult>>,
  Assert<
    Answers<
      Json<paths["/v1/dead-letters/retry"]["post"]["responses"][202]>,
      Returns<Herald["deadLetters"]["retryAll"]>
    >
  >,
  Assert<SameKeys<Schemas["DeadLetterRetryRequest"], client.DeadLetterRetryFilter>>,
  // openapi-typescript makes a field with a default required; the API fills it in.
  Assert<
    Accepts<
      Omit<Schemas["DeadLetterRetryRequest"], "limit"> & { limit?: number },
      Wire<client.DeadLetterRetryFilter>
    >
  >,
  Assert<
    Answers<
      Json<paths["/v1/dead-letters/{notificationId}"]["delete"]["responses"][200]>,
      Returns<Herald["deadLetters"]["discard"]>
    >
  >,
  // inbox
  Assert<Answers<z.infer<typeof InboxCountsSchema>, client.InboxCounts>>,
  Assert<Answers<z.infer<typeof InboxFeedSchema>, client.InboxPage>>,
  Assert<
    Answers<
      Json<paths["/v1/users/{userId}/inbox"]["get"]["responses"][200]>,
      Returns<Herald["inbox"]["list"]>
    >
  >,
  Assert<SameKeys<Query<paths["/v1/users/{userId}/inbox"]["get"]>, client.InboxFilter>>,
  Assert<Accepts<Query<paths["/v1/users/{userId}/inbox"]["get"]>, Wire<client.InboxFilter>>>,
  Assert<Answers<z.infer<typeof InboxItemResultSchema>, client.InboxItemResult>>,
  Assert<
    Answers<
      Json<paths["/v1/users/{userId}/inbox/{notificationId}/read"]["post"]["responses"][200]>,
      Returns<Herald["inbox"]["markRead"]>
    >
  >,
  Assert<
    Answers<
      Json<paths["/v1/users/{userId}/inbox/{notificationId}/seen"]["post"]["responses"][200]>,
      MarkSeen["one"]
    >
  >,
  Assert<
    Answers<
      Json<paths["/v1/users/{userId}/inbox/{notificationId}/archive"]["post"]["responses"][200]>,
      Returns<Herald["inbox"]["archive"]>
    >
  >,
  Assert<Answers<Schemas["InboxReadAll"], client.InboxReadAllResult>>,
  Assert<
    Answers<
      Json<paths["/v1/users/{userId}/inbox/read-all"]["post"]["responses"][200]>,
      Returns<Herald["inbox"]["markAllRead"]>
    >
  >,
  Assert<Answers<z.infer<typeof InboxSeenSchema>, client.InboxSeenResult>>,
  Assert<Answers<Json<paths["/v1/users/{userId}/inbox/seen"]["post"]["responses"][200]>, MarkSeen["many"]>>,
  // What the client sends: `{ids}`, the list it was given (a chunk of it), readonly or not on the wire.
  Assert<
    Accepts<z.input<typeof InboxSeenRequestSchema>, { ids: Args<Herald["inbox"]["markSeen"]>[1][number][] }>
  >,
  Assert<Answers<z.infer<typeof InboxSeenAllSchema>, client.InboxSeenAllResult>>,
  Assert<
    Answers<
      Json<paths["/v1/users/{userId}/inbox/seen-all"]["post"]["responses"][200]>,
      Returns<Herald["inbox"]["markAllSeen"]>
    >
  >,
  // suppressions
  Assert<Answers<z.infer<typeof SuppressionSchema>, client.Suppression>>,
  Assert<
    Answers<
      Json<paths["/v1/users/{userId}/suppressions"]["get"]["responses"][200]>["data"],
      Returns<Herald["suppressions"]["list"]>
    >
  >,
  Assert<
    Accepts<
      z.input<typeof UserSuppressionAddSchema>,
      { channel: Args<Herald["suppressions"]["add"]>[1] } & NonNullable<
        Args<Herald["suppressions"]["add"]>[2]
      >
    >
  >,
  Assert<
    Answers<
      Json<paths["/v1/users/{userId}/suppressions"]["post"]["responses"][201 | 200]>,
      Returns<Herald["suppressions"]["add"]>
    >
  >,
  Assert<
    Accepts<
      paths["/v1/users/{userId}/suppressions/{channel}"]["delete"]["parameters"]["path"]["channel"],
      Args<Herald["suppressions"]["lift"]>[1]
    >
  >,
  Assert<
    Accepts<
      Query<paths["/v1/users/{userId}/suppressions/{channel}"]["delete"]>,
      Wire<NonNullable<Args<Herald["suppressions"]["lift"]>[2]>>
    >
  >,
  Assert<
    Answers<
      Json<paths["/v1/users/{userId}/suppressions/{channel}"]["delete"]["responses"][200]>,
      Returns<Herald["suppressions"]["lift"]>
    >
  >,
  Assert<Accepts<z.input<typeof SuppressionLookupSchema>, Args<Herald["suppressions"]["lookup"]>[0]>>,
  Assert<
    Answers<
      Json<paths["/v1/suppressions/lookup"]["post"]["responses"][200]>,
      Returns<Herald["suppressions"]["lookup"]>
    >
  >,
  Assert<
    Accepts<
      z.input<typeof SuppressionAddSchema>,
      Args<Herald["suppressions"]["addAddress"]>[0] &
        NonNullable<Args<Herald["suppressions"]["addAddress"]>[1]>
    >
  >,
  Assert<
    Answers<
      Json<paths["/v1/suppressions"]["post"]["responses"][201 | 200]>,
      Returns<Herald["suppressions"]["addAddress"]>
    >
  >,
  Assert<
    Accepts<
      z.input<typeof SuppressionLiftSchema>,
      Args<Herald["suppressions"]["liftAddress"]>[0] &
        NonNullable<Args<Herald["suppressions"]["liftAddress"]>[1]>
    >
  >,
  Assert<
    Answers<
      Json<paths["/v1/suppressions/lift"]["post"]["responses"][200]>,
      Returns<Herald["suppressions"]["liftAddress"]>
    >
  >,
  // apiKeys
  Assert<Accepts<ApiKeyScope, client.ApiKeyScope>>,
  Assert<Accepts<client.ApiKeyScope, ApiKeyScope>>,
  Assert<Answers<z.infer<typeof ApiKeySchema>, client.ApiKey>>,
  Assert<Answers<z.infer<typeof CreatedApiKeySchema>, client.CreatedApiKey>>,
  Assert<Answers<Json<paths["/v1/api-keys"]["get"]["responses"][200]>, Returns<Herald["apiKeys"]["list"]>>>,
  Assert<SameKeys<Query<paths["/v1/api-keys"]["get"]>, client.ApiKeyListOptions>>,
  Assert<Accepts<Query<paths["/v1/api-keys"]["get"]>, Wire<client.ApiKeyListOptions>>>,
  Assert<SameKeys<z.input<typeof NewApiKeySchema>, client.NewApiKey>>,
  Assert<Accepts<z.input<typeof NewApiKeySchema>, Wire<client.NewApiKey>>>,
  Assert<
    Answers<Json<paths["/v1/api-keys"]["post"]["responses"][201]>, Returns<Herald["apiKeys"]["create"]>>
  >,
  Assert<
    Answers<Json<paths["/v1/api-keys/{keyId}"]["get"]["responses"][200]>, Returns<Herald["apiKeys"]["get"]>>
  >,
  Assert<
    Answers<
      Json<paths["/v1/api-keys/{keyId}"]["delete"]["responses"][200]>,
      Returns<Herald["apiKeys"]["revoke"]>
    >
  >,
  Assert<SameKeys<z.input<typeof RotateApiKeySchema>, client.RotateOptions>>,
  Assert<Accepts<z.input<typeof RotateApiKeySchema>, client.RotateOptions>>,
  Assert<
    Answers<
      Json<paths["/v1/api-keys/{keyId}/rotate"]["post"]["responses"][201]>,
      Returns<Herald["apiKeys"]["rotate"]>
    >
  >,
  // The webhook bodies the client types (verifyWebhook's answer), written by hand to keep the client
  // free of zod: the same fields as the worker's schemas, in both directions.
  Assert<Answers<z.infer<typeof StatusChangeSchema>, client.StatusChange>>,
  Assert<Answers<client.StatusChange, z.infer<typeof StatusChangeSchema>>>,
  Assert<Answers<z.infer<typeof StatusWebhookSchema>, client.StatusWebhookPayload>>,
  Assert<Answers<client.StatusWebhookPayload, z.infer<typeof StatusWebhookSchema>>>,
  Assert<Answers<z.infer<typeof OpsAlertSchema>, client.OpsAlertPayload>>,
  Assert<Answers<client.OpsAlertPayload, z.infer<typeof OpsAlertSchema>>>,
];
