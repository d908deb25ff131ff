/**
 * Example values for `/openapi.json` and `/docs`: one coherent story (Ada
 * orders a shirt) so the reference reads like a real exchange.
 */
export const exampleIds = {
  event: "evt_01jd8q3k5m6n7p8q9r0s1t2v3w",
  notification: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3x",
  recipient: "usr_01jd8q3k5m6n7p8q9r0s1t2v3y",
  device: "dev_01jd8q3k5m6n7p8q9r0s1t2v3z",
} as const;

export const exampleOrderData = {
  orderId: "A-1042",
  total: 59.9,
  currency: "EUR",
  items: [{ name: "Linen shirt", quantity: 1, price: 59.9 }],
};

export const exampleNotification = {
  id: exampleIds.notification,
  eventId: exampleIds.event,
  userId: "user_123",
  type: "order_placed",
  category: "transactional",
  channel: "email" as const,
  priority: "normal" as const,
  status: "SENT" as const,
  provider: "resend",
  providerMessageId: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
  retryCount: 0,
  content: { channel: "email", subject: "Order A-1042 confirmed" },
  createdAt: "2026-11-24T09:00:00.120Z",
  sentAt: "2026-11-24T09:00:00.480Z",
};

export const exampleTimeline = [
  { status: "PENDING", at: "2026-11-24T09:00:00.120Z", detail: null },
  { status: "QUEUED", at: "2026-11-24T09:00:00.125Z", detail: null },
  { status: "SENT", at: "2026-11-24T09:00:00.480Z", detail: { provider: "resend", attempt: 1 } },
];

export const exampleEvent = {
  id: exampleIds.event,
  type: "order_placed",
  userId: "user_123",
  data: exampleOrderData,
  priority: "normal" as const,
  status: "routed" as const,
  suppressed: [{ channel: "sms", reason: "opted_out" }],
  createdAt: "2026-11-24T09:00:00.100Z",
  routedAt: "2026-11-24T09:00:00.125Z",
  notifications: [exampleNotification],
};

export const exampleDevice = {
  id: exampleIds.device,
  kind: "webpush" as const,
  createdAt: "2026-11-20T18:30:00.000Z",
};

export const exampleUser = {
  id: exampleIds.recipient,
  userId: "user_123",
  email: "ada@example.com",
  phone: "+14155550100",
  locale: "en-GB",
  timezone: "Europe/London",
  properties: { name: "Ada" },
  devices: [exampleDevice],
  createdAt: "2026-11-20T18:29:00.000Z",
  updatedAt: "2026-11-24T08:00:00.000Z",
  tokensRevokedAt: null,
};

export const examplePreferences = {
  channels: { sms: false },
  categories: { marketing: { digest: "daily" as const } },
  types: {},
  quietHours: { start: "22:00", end: "07:00", timezone: "Europe/London" },
  digestTime: "09:00",
  unsubscribedAll: false,
  optIn: { categories: ["marketing"], channels: [] },
};
