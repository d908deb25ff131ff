import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type Herald, HeraldApiError } from "@herald/client";

export interface OrderRequest {
  customer: { id: string; email?: string; phone?: string };
  currency: string;
  items: { name: string; quantity: number; price: number }[];
}

export interface Order extends OrderRequest {
  id: string;
  total: number;
  eventId: string;
}

/**
 * The part of a shop that matters for Herald: once an order is stored, tell
 * the customer. The idempotency key is derived from the order id, so a retry
 * of this handler (or of the client) never notifies twice.
 */
export async function placeOrder(
  herald: Herald,
  request: OrderRequest,
  orders: Map<string, Order>,
): Promise<Order> {
  const id = `A-${randomUUID().slice(0, 8)}`;
  const total = Math.round(request.items.reduce((sum, i) => sum + i.quantity * i.price, 0) * 100) / 100;
  const { eventId } = await herald.events.trigger({
    type: "order_placed",
    userId: request.customer.id,
    // Typed by Herald's catalog: a misspelt or missing field does not compile.
    data: { orderId: id, total, currency: request.currency, items: request.items },
    idempotencyKey: `order-${id}-placed`,
    user: {
      ...(request.customer.email ? { email: request.customer.email } : {}),
      ...(request.customer.phone ? { phone: request.customer.phone } : {}),
    },
  });
  const order = { ...request, id, total, eventId };
  orders.set(id, order);
  return order;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** `POST /orders` places an order; `GET /orders/:id` shows it. */
export function createOrderService(herald: Herald): Server {
  const orders = new Map<string, Order>();
  return createServer(async (req, res) => {
    try {
      if (req.method === "POST" && req.url === "/orders") {
        const order = await placeOrder(herald, (await readJson(req)) as OrderRequest, orders);
        return send(res, 201, order);
      }
      const match = /^\/orders\/([\w-]+)$/.exec(req.url ?? "");
      if (req.method === "GET" && match) {
        const order = orders.get(match[1]!);
        return order ? send(res, 200, order) : send(res, 404, { error: "no such order" });
      }
      send(res, 404, { error: "not found" });
    } catch (err) {
      // Herald said no (bad data, bad key…): pass its reason on.
      if (err instanceof HeraldApiError) return send(res, 502, { error: err.message, herald: err.code });
      send(res, 500, { error: (err as Error).message });
    }
  });
}
