import type { AddressInfo } from "node:net";
import { Herald as HeraldClient } from "@herald/client";
import { createOrderService } from "@herald/example-order-service";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

let herald: Herald;
let shop: ReturnType<typeof createOrderService>;
let shopUrl: string;
beforeAll(async () => {
  herald = await startHerald();
  // The example gets its own least-privilege key, as its README says: it sends the customer's address
  // with each event (inline `user`), which takes users:write too.
  const key = await herald.call("POST", "/v1/api-keys", {
    name: "order-service",
    scopes: ["events:write", "users:write"],
  });
  shop = createOrderService(new HeraldClient({ apiKey: key.body.key, baseUrl: herald.url }));
  await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => shop.close(() => resolve()));
  await herald.close();
});

describe("examples/order-service", () => {
  it("places an order and the customer is notified on every reachable channel", async () => {
    const res = await fetch(`${shopUrl}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        customer: { id: "shopper-1", email: "shopper@example.com", phone: "+14155550123" },
        currency: "EUR",
        items: [
          { name: "Linen shirt", quantity: 2, price: 59.9 },
          { name: "Socks", quantity: 1, price: 9.5 },
        ],
      }),
    });
    expect(res.status).toBe(201);
    const order = (await res.json()) as any;
    expect(order.total).toBe(129.3);
    const event = await eventually(async () => {
      const e = await herald.call("GET", `/v1/events/${order.eventId}`);
      return e.body.status === "routed" && e.body.notifications.every((n: any) => n.status === "SENT")
        ? e.body
        : null;
    });
    expect(event.data.orderId).toBe(order.id);
    expect(event.notifications.map((n: any) => n.channel).sort()).toEqual(["email", "in_app", "sms"]);
    const [row] = await herald.db.sql`select idempotency_key from events where id = ${order.eventId}`;
    expect(row!.idempotency_key).toBe(`order-${order.id}-placed`);
  });
});
