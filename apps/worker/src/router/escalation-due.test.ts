import { describe, expect, it } from "vitest";
import { escalationDue } from "./escalation-due.ts";
import type { ChannelPlan } from "./plan-channels.ts";

const due = new Date("2026-03-10T09:00:00Z");
const hour = { afterMs: 3_600_000 };
const later = new Date("2026-03-10T10:00:00Z");

describe("when an escalation's held channels are due", () => {
  it("`after` past the others' time when one of them leaves something to read", () => {
    const queued: ChannelPlan = { kind: "queue" };
    const scheduled: ChannelPlan = { kind: "schedule", at: due, reason: null };
    const quiet: ChannelPlan = { kind: "schedule", at: later, reason: "quiet_hours" };
    const capped: ChannelPlan = { kind: "suppress", reason: "frequency_cap" };
    expect(escalationDue(hour, [queued], due)).toEqual({ dueAt: later, reason: "escalation" });
    expect(escalationDue(hour, [capped, scheduled], due)).toEqual({ dueAt: later, reason: "escalation" });
    expect(escalationDue(hour, [quiet], due)).toEqual({ dueAt: later, reason: "escalation" });
  });

  it("with the others when none leaves anything to read: suppressed, digested, or no other channel", () => {
    const digested: ChannelPlan = { kind: "digest", period: "daily", flushAt: later };
    const bounced: ChannelPlan = { kind: "suppress", reason: "bounced_address" };
    expect(escalationDue(hour, [bounced, digested], due)).toEqual({ dueAt: due, reason: null });
    expect(escalationDue(hour, [], due)).toEqual({ dueAt: due, reason: null });
  });
});
