/**
 * Compile-time contract between the API's answers and `@herald/client`'s
 * types: checked by the repository's typecheck (part of `npm test`). If a
 * route's schema changes so that the client would mis-describe it, this file
 * stops compiling.
 */
import type * as client from "@herald/client";
import type { z } from "@hono/zod-openapi";
import type { BatchResultSchema, EventSchema } from "../src/schemas/event.ts";
import type { NotificationSchema, NotificationWithTimelineSchema } from "../src/schemas/notification.ts";
import type { PreferencesPatchSchema, PreferencesSchema } from "../src/schemas/preferences.ts";
import type { DeviceSchema, NewDeviceSchema, UserFields, UserSchema } from "../src/schemas/user.ts";

type Assert<T extends true> = T;
/** What the API answers can be used as what the client promises. */
type Answers<Api, Client> = [Api] extends [Client] ? true : false;
/** What the client sends is accepted by the API's schema. */
type Accepts<Api, Client> = [Client] extends [Api] ? true : false;

export type Contract = [
  Assert<Answers<z.infer<typeof NotificationSchema>, client.Notification>>,
  Assert<Answers<z.infer<typeof NotificationWithTimelineSchema>, client.NotificationWithTimeline>>,
  Assert<Answers<z.infer<typeof EventSchema>, client.HeraldEvent>>,
  Assert<Answers<z.infer<typeof BatchResultSchema>, client.BatchResult>>,
  Assert<Answers<z.infer<typeof UserSchema>, client.User>>,
  Assert<Answers<z.infer<typeof DeviceSchema>, client.Device>>,
  Assert<Answers<z.infer<typeof PreferencesSchema>, client.Preferences>>,
  Assert<Accepts<z.input<typeof UserFields>, client.UserFields>>,
  Assert<Accepts<z.input<typeof NewDeviceSchema>, client.NewDevice>>,
  Assert<Accepts<z.input<typeof PreferencesPatchSchema>, client.PreferencesUpdate>>,
];
