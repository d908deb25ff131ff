import {
  DeadLetterSampleSchema,
  OpsAlertSchema,
  StatusChangeSchema,
  StatusWebhookSchema,
} from "@herald/jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operations } from "./openapi-operations.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
let doc: any;
beforeAll(async () => {
  api = await createTestApi();
  doc = (await api.call("GET", "/openapi.json", undefined, { authorization: "" })).body;
});
afterAll(() => api.close());

function resolve(schema: any): any {
  if (schema?.$ref) return resolve(doc.components.schemas[schema.$ref.split("/").pop()]);
  return schema;
}

function hasExample(media: any): boolean {
  const schema = resolve(media?.schema);
  return media?.example !== undefined || media?.examples !== undefined || schema?.example !== undefined;
}

describe("/openapi.json", () => {
  it("describes every route with a summary and examples for parameters, bodies and answers", () => {
    const problems: string[] = [];
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThanOrEqual(15);
    for (const { path, method, op } of ops) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!op.summary) problems.push(`${where}: no summary`);
      if (!op.tags?.length) problems.push(`${where}: no tag`);
      for (const p of op.parameters ?? []) {
        if (p.in === "header") continue;
        if (p.example === undefined && resolve(p.schema)?.example === undefined)
          problems.push(`${where}: parameter ${p.in} ${p.name} has no example`);
      }
      // JSON, or a form for the routes mail clients and pages post to (unsubscribe).
      const content = op.requestBody?.content ?? {};
      const body = content["application/json"] ?? content["application/x-www-form-urlencoded"];
      if (op.requestBody && !hasExample(body)) problems.push(`${where}: request body has no example`);
      // A redirect (the click-tracking link) succeeds with a 3xx.
      const ok = Object.entries(op.responses ?? {}).filter(([status]) => /^[23]/.test(status));
      if (ok.length === 0) problems.push(`${where}: no success response`);
      for (const [status, response] of ok as [string, any][]) {
        const media = response.content?.["application/json"];
        if (media && !hasExample(media)) problems.push(`${where}: ${status} answer has no example`);
      }
      // Routes declared public (`security: []`: VAPID key, webhooks…) authenticate otherwise or not at all.
      const needsKey = path.startsWith("/v1/") && !(Array.isArray(op.security) && op.security.length === 0);
      if (needsKey && !op.responses?.["401"]) problems.push(`${where}: 401 not documented`);
      // A JSON body sent as text/plain is refused with 415 (on-error's mapping).
      if (needsKey && op.requestBody?.content?.["application/json"] && !op.responses?.["415"])
        problems.push(`${where}: 415 not documented`);
    }
    expect(problems).toEqual([]);
  });

  it("declares 413 and 415 only where a body can be sent, 422 only where an input can fail", () => {
    const wrong: string[] = [];
    for (const { path, method, op } of operations(doc)) {
      const body = op.requestBody !== undefined;
      const input = body || (op.parameters ?? []).length > 0;
      for (const status of ["413", "415"])
        if (op.responses[status] && !body) wrong.push(`${method} ${path} ${status}`);
      if (op.responses["422"] && !input) wrong.push(`${method} ${path} 422`);
    }
    expect(wrong).toEqual([]);
    // What a body route still declares.
    expect(Object.keys(doc.paths["/v1/events"].post.responses)).toEqual(
      expect.arrayContaining(["413", "415", "422"]),
    );
  });

  it("has patterns a client can use as they are (no `u` flag) and examples that match them", () => {
    const problems: string[] = [];
    const visit = (schema: any, example: unknown, where: string) => {
      const s = resolve(schema);
      if (!s || typeof s !== "object") return;
      if (typeof s.pattern === "string") {
        let re: RegExp | undefined;
        try {
          re = new RegExp(s.pattern);
        } catch (err) {
          problems.push(`${where}: pattern does not compile: ${(err as Error).message}`);
        }
        for (const value of [example, s.example])
          if (re && typeof value === "string" && !re.test(value))
            problems.push(`${where}: example ${value} fails ${s.pattern}`);
      }
      for (const [name, prop] of Object.entries(s.properties ?? {}))
        visit(prop, (s.example as Record<string, unknown> | undefined)?.[name], `${where}.${name}`);
      for (const sub of [s.items, ...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])])
        if (sub) visit(sub, undefined, where);
    };
    for (const [name, schema] of Object.entries(doc.components.schemas)) visit(schema, undefined, name);
    for (const { path, method, op } of operations(doc))
      for (const p of op.parameters ?? []) visit(p.schema, p.example, `${method} ${path} ${p.name}`);
    expect(problems).toEqual([]);
    // The user id above all: every user route takes one.
    const param = doc.paths["/v1/users/{userId}"].get.parameters.find((p: any) => p.name === "userId");
    expect(new RegExp(resolve(param.schema).pattern).test("user_123")).toBe(true);
  });

  it("gives each cursor parameter an example its route accepts", async () => {
    const tried: string[] = [];
    for (const { path, method, op } of operations(doc)) {
      const cursor = (op.parameters ?? []).find((p: any) => p.in === "query" && p.name === "cursor");
      if (method !== "get" || !cursor) continue;
      const example = cursor.example ?? resolve(cursor.schema)?.example;
      const url = path.replace(/\{(\w+)\}/g, (_m: string, name: string) => {
        const p = op.parameters.find((x: any) => x.name === name);
        return encodeURIComponent(p.example ?? resolve(p.schema).example);
      });
      const res = await api.call("GET", `${url}?cursor=${encodeURIComponent(example)}`);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).not.toBe(400);
      tried.push(path);
    }
    expect(tried).toContain("/v1/users/{userId}/topics");
    expect(tried.length).toBeGreaterThanOrEqual(5);
  });

  it("documents the security scheme and the rate-limit answer", () => {
    expect(doc.components.securitySchemes.ApiKey).toMatchObject({ type: "http", scheme: "bearer" });
    // The dashboard's own session routes take its cookie, not a key (a key gets 401 there).
    expect(doc.components.securitySchemes.DashboardSession).toMatchObject({
      in: "cookie",
      name: "herald_session",
    });
    for (const method of ["get", "delete"])
      expect(doc.paths["/v1/dashboard/session"][method].security).toEqual([{ DashboardSession: [] }]);
    expect(doc.paths["/metrics"].get.security).toEqual([{ MetricsToken: [] }, {}]);
    // Routes a user token opens say what its 401 and 403 mean.
    const tokenOps = operations(doc).filter(({ op }) => op.security?.some((s: object) => "UserToken" in s));
    expect(tokenOps.length).toBeGreaterThanOrEqual(8);
    for (const { path, method, op } of tokenOps) {
      expect(op.responses["401"].description, `${method} ${path}`).toMatch(/user token/);
      expect(op.responses["403"].description, `${method} ${path}`).toMatch(/Another user's token/);
    }
    for (const { path, op } of operations(doc)) {
      const keyed = !(Array.isArray(op.security) && op.security.length === 0);
      if (path.startsWith("/v1/") && keyed) expect(op.responses["429"], path).toBeDefined();
    }
  });
});

describe("/openapi.json's times", () => {
  it("gives every time Herald answers with (`…At`, `at`) the date-time format", () => {
    const untyped: string[] = [];
    const visit = (schema: any, where: string) => {
      if (!schema || typeof schema !== "object") return;
      for (const [name, prop] of Object.entries(schema.properties ?? {}) as [string, any][]) {
        const types = [prop.type].flat();
        // A schedule rule's `at` is a wall-clock time (HH:MM, its pattern says so), not an instant.
        const clockTime = prop.pattern === "^([01]\\d|2[0-3]):[0-5]\\d$";
        if (/(^at|At)$/.test(name) && types.includes("string") && prop.format !== "date-time" && !clockTime)
          untyped.push(`${where}.${name}`);
        visit(prop, `${where}.${name}`);
      }
      visit(schema.items, `${where}[]`);
      for (const sub of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])])
        visit(sub, where);
    };
    for (const [name, schema] of Object.entries(doc.components.schemas)) visit(schema, name);
    for (const { path, method, op } of operations(doc))
      for (const [status, response] of Object.entries(op.responses) as [string, any][])
        visit(response.content?.["application/json"]?.schema, `${method} ${path} ${status}`);
    expect(untyped).toEqual([]);
    expect(doc.components.schemas.Notification.properties.createdAt.format).toBe("date-time");
  });
});

describe("/openapi.json's response headers", () => {
  const names = (response: any) => Object.keys(response?.headers ?? {}).sort();

  it("declares what the middleware adds, each pointing at a defined header", () => {
    for (const { path, method, op } of operations(doc))
      for (const [status, response] of Object.entries(op.responses) as [string, any][]) {
        expect(names(response), `${method} ${path} ${status}`).toContain("X-Request-Id");
        for (const header of Object.values(response.headers) as { $ref: string }[])
          expect(doc.components.headers[header.$ref.split("/").pop()!], header.$ref).toBeDefined();
      }
    const rateLimit = ["RateLimit-Limit", "RateLimit-Policy", "RateLimit-Remaining", "RateLimit-Reset"];
    const trigger = doc.paths["/v1/events"].post.responses;
    expect(names(trigger["202"])).toEqual(["Idempotent-Replayed", ...rateLimit, "X-Request-Id"].sort());
    expect(names(trigger["429"])).toEqual(["Retry-After", ...rateLimit, "X-Request-Id"].sort());
    expect(names(trigger["503"])).toEqual(["Retry-After", "X-Request-Id"]);
    expect(names(trigger["422"])).toEqual(["X-Request-Id"]);
    // Shared error objects stay per route: the batch's 202 has no replay header.
    expect(names(doc.paths["/v1/events/batch"].post.responses["202"])).not.toContain("Idempotent-Replayed");
    // Public routes are not rate limited by key.
    expect(names(doc.paths["/healthz"].get.responses["200"])).toEqual(["X-Request-Id"]);
  });

  it("matches what the API sends", async () => {
    const res = await api.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "hdr-user",
      data: { orderId: "A-1", total: 1, currency: "EUR", items: [{ name: "Mug", quantity: 1, price: 1 }] },
      idempotencyKey: "hdr-1",
    });
    expect(res.status).toBe(202);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const again = await api.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "hdr-user",
      data: { orderId: "A-1", total: 1, currency: "EUR", items: [{ name: "Mug", quantity: 1, price: 1 }] },
      idempotencyKey: "hdr-1",
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });
});

describe("/openapi.json's webhooks, both ways", () => {
  const bodySchema = (op: any, type: string) => resolve(op.requestBody?.content?.[type]?.schema);
  const params = (op: any) =>
    Object.fromEntries((op.parameters ?? []).map((p: any) => [`${p.in} ${p.name}`, p.required]));
  const keys = (o: object) => Object.keys(o).sort();

  it("describes Resend's event and Svix's signature headers on POST /v1/webhooks/resend", () => {
    const op = doc.paths["/v1/webhooks/resend"].post;
    expect(params(op)).toEqual({
      "header svix-id": true,
      "header svix-timestamp": true,
      "header svix-signature": true,
    });
    const event = bodySchema(op, "application/json");
    expect(event.required).toEqual(["type", "data"]);
    expect(keys(event.properties)).toEqual(["created_at", "data", "type"]);
    expect(keys(event.properties.data.properties)).toEqual(
      expect.arrayContaining(["email_id", "tags", "bounce", "click"]),
    );
    // Open where Resend's payload grows: what it adds is read past, not refused.
    expect(event.properties.data.additionalProperties).toEqual({});
    expect(event.example.data.email_id).toBeTypeOf("string");
    // Signature answers, and the body limit now that a body is declared.
    expect(keys(op.responses)).toEqual(["200", "400", "401", "413", "503"]);
  });

  it("describes Twilio's form-encoded status callback, its signature and URL on POST /v1/webhooks/twilio", () => {
    const op = doc.paths["/v1/webhooks/twilio"].post;
    expect(params(op)).toEqual({ "header X-Twilio-Signature": true, "query notificationId": false });
    const callback = bodySchema(op, "application/x-www-form-urlencoded");
    expect(callback.required).toEqual(["MessageSid", "MessageStatus"]);
    expect(keys(callback.properties)).toEqual(
      expect.arrayContaining(["MessageSid", "MessageStatus", "ErrorCode", "To", "SmsSid", "SmsStatus"]),
    );
    expect(callback.additionalProperties).toBeUndefined();
    expect(callback.example).toMatchObject({ MessageStatus: "delivered" });
    expect(keys(op.responses)).toEqual(["200", "400", "401", "413", "503"]);
  });

  it("describes the ops alert the worker POSTs as webhooks.opsAlert, from the worker's own schema", () => {
    expect(keys(doc.webhooks)).toEqual(["notificationStatuses", "opsAlert"]);
    const op = doc.webhooks.opsAlert.post;
    expect(op.summary).toMatch(/OPS_ALERT_WEBHOOK_URL/);
    const alert = bodySchema(op, "application/json");
    expect(op.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/OpsAlert");
    expect(keys(alert.properties)).toEqual(keys(OpsAlertSchema.shape));
    expect([...alert.required].sort()).toEqual(keys(OpsAlertSchema.shape));
    expect(keys(resolve(alert.properties.samples.items).properties)).toEqual(
      keys(DeadLetterSampleSchema.shape),
    );
    // The example is an alert the worker could send.
    expect(OpsAlertSchema.parse(alert.example)).toEqual(alert.example);
    // Standard Webhooks headers, present only when OPS_ALERT_WEBHOOK_SECRET is set.
    expect(params(op)).toEqual({
      "header webhook-id": false,
      "header webhook-timestamp": false,
      "header webhook-signature": false,
    });
    expect(keys(op.responses)).toEqual(["2XX", "default"]);
  });

  it("describes the status changes the worker POSTs as webhooks.notificationStatuses, from the worker's own schema", () => {
    const op = doc.webhooks.notificationStatuses.post;
    expect(op.summary).toMatch(/STATUS_WEBHOOK_URL/);
    expect(op.requestBody.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/NotificationStatuses",
    );
    const body = bodySchema(op, "application/json");
    expect(keys(body.properties)).toEqual(keys(StatusWebhookSchema.shape));
    expect(keys(resolve(body.properties.data.items).properties)).toEqual(keys(StatusChangeSchema.shape));
    expect(StatusWebhookSchema.parse(body.example)).toEqual(body.example);
    expect(params(op)).toEqual({
      "header webhook-id": false,
      "header webhook-timestamp": false,
      "header webhook-signature": false,
    });
    expect(keys(op.responses)).toEqual(["2XX", "default"]);
  });
});

describe("/docs", () => {
  it("serves an API reference whose every asset comes from this server", async () => {
    const page = await api.call("GET", "/docs", undefined, { authorization: "" });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = page.body as string;
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      const res = await api.call("GET", asset, undefined, { authorization: "" });
      expect(res.status, asset).toBe(200);
    }
    const init = await api.call("GET", "/docs/init.js", undefined, { authorization: "" });
    expect(init.body).toContain('"/openapi.json"');
    expect(
      (await api.call("GET", "/docs/assets/..%2Fpackage.json", undefined, { authorization: "" })).status,
    ).toBe(404);
  });
});
