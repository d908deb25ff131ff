import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { expect } from "vitest";
import type { Herald } from "../harness/index.ts";

/** A weekly promo's event and its e-mail notification once routed. */
export interface Promo {
  eventId: string;
  email: { id: string; status: string; reason?: string };
}

/** Triggers a weekly promo to `userId`, now or at `sendAt`, and waits for its e-mail to be routed. */
export async function triggerPromo(herald: Herald, userId: string, sendAt?: Date): Promise<Promo> {
  const res = await herald.call("POST", "/v1/events", {
    type: "weekly_promo",
    userId,
    data: catalog.weekly_promo.example,
    ...(sendAt ? { sendAt: sendAt.toISOString() } : {}),
  });
  expect(res.status).toBe(202);
  const eventId: string = res.body.eventId;
  const email = await eventually(async () => {
    const e = (await herald.call("GET", `/v1/events/${eventId}`)).body;
    return e.status === "routed"
      ? e.notifications.find((n: { channel: string }) => n.channel === "email")
      : null;
  });
  return { eventId, email };
}

/** Whether the promo's e-mail was stopped by a frequency cap at routing. */
export const capped = (p: Promo) => p.email.status === "SUPPRESSED" && p.email.reason === "frequency_cap";
