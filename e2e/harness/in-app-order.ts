import { catalog } from "@herald/templates";
import { expect } from "vitest";
import type { Herald } from "./start-herald.ts";

/** An order confirmation for the user's inbox only (`in_app`); resolves with its event id. */
export async function sendInAppOrder(herald: Herald, userId: string, orderId: string): Promise<string> {
  const res = await herald.call("POST", "/v1/events", {
    type: "order_placed",
    userId,
    data: { ...catalog.order_placed.example, orderId },
    channels: ["in_app"],
  });
  expect(res.status).toBe(202);
  return res.body.eventId as string;
}
