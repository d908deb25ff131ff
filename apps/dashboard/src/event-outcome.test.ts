import { describe, expect, it } from "vitest";
import { eventOutcome } from "./event-outcome.ts";

const event = { id: "evt_1", status: "routed" as const, suppressed: [], notifications: [] as unknown[] };

describe("what became of an event", () => {
  it("says that nothing was sent, and why, when every channel was suppressed", () => {
    const o = eventOutcome({
      ...event,
      suppressed: [
        { channel: "email", reason: "opted_out" },
        { channel: "sms", reason: "unreachable" },
      ],
    });
    expect(o).toEqual({
      tone: "bad",
      settled: true,
      headline: "No notification was sent",
      text: "No notification was sent: E-mail: turned off in the user's preferences; SMS: no address or device for this channel",
    });
  });

  it("says a suppressed address is on the suppression list, whichever kind of entry put it there", () => {
    const o = eventOutcome({ ...event, suppressed: [{ channel: "sms", reason: "bounced_address" }] });
    expect(o.text).toBe(
      "No notification was sent: SMS: address on the suppression list (bounced, marked as spam or suppressed by hand)",
    );
  });

  it("tells a channel left out by the type's condition from one whose condition failed", () => {
    const o = eventOutcome({
      ...event,
      notifications: [{}],
      suppressed: [
        { channel: "sms", reason: "condition" },
        { channel: "push", reason: "condition_error" },
      ],
    });
    expect(o.text).toBe(
      "1 notification created: not sent on SMS: the type's condition for this channel did not hold (see Templates); Push: the type's condition for this channel failed with an error (see the worker's log)",
    );
  });

  it("tells an opt-in the user never gave from an opt-out", () => {
    const o = eventOutcome({
      ...event,
      suppressed: [
        { channel: "email", reason: "not_opted_in" },
        { channel: "push", reason: "opted_out" },
      ],
    });
    expect(o.text).toBe(
      "No notification was sent: E-mail: opt-in, and the user never turned it on; Push: turned off in the user's preferences",
    );
  });

  it("counts what was created and names the channels left out", () => {
    const o = eventOutcome({
      ...event,
      notifications: [{}, {}],
      suppressed: [{ channel: "push", reason: "some_new_reason" }],
    });
    expect(o).toMatchObject({
      tone: "ok",
      text: "2 notifications created: not sent on Push: some new reason",
    });
  });

  it("is not settled before the router got to it, and says when the event failed", () => {
    expect(eventOutcome({ ...event, status: "accepted" }).settled).toBe(false);
    expect(eventOutcome({ ...event, status: "failed", error: "boom" })).toMatchObject({
      tone: "bad",
      text: "Event failed: boom",
    });
  });

  it("says the app canceled it, and whether anything had been made by then", () => {
    expect(eventOutcome({ ...event, status: "canceled" })).toEqual({
      tone: "bad",
      settled: true,
      headline: "Canceled by the app",
      text: "Canceled by the app: before any notification was made",
    });
    expect(eventOutcome({ ...event, status: "canceled", notifications: [{}, {}] }).text).toBe(
      "Canceled by the app: 2 notifications were made before: each canceled unless already sent",
    );
  });

  it("takes the number of notifications when the event comes without them (a user's event list)", () => {
    const { notifications: _, ...listed } = event;
    expect(eventOutcome({ ...listed, notificationCount: 0 }).headline).toBe("No notification was sent");
    expect(eventOutcome({ ...listed, notificationCount: 3 }).headline).toBe("3 notifications created");
  });
});
