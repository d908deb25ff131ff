import { describe, expect, it } from "vitest";
import { deleteScheduleQuestion, repeatText } from "./schedule-text.ts";

describe("repeatText", () => {
  it("says each frequency, its interval, days and zone", () => {
    expect(
      repeatText({ frequency: "weekly", days: ["mon", "thu"], at: "09:00", timezone: "Europe/Berlin" }),
    ).toBe("Every week on Monday and Thursday at 09:00 (Europe/Berlin)");
    expect(repeatText({ frequency: "daily", interval: 2, at: "18:00" })).toBe(
      "Every 2 days at 18:00 (the user's time zone)",
    );
    expect(repeatText({ frequency: "hourly", minute: 5 }, true)).toBe("Every hour at :05 (UTC)");
    expect(repeatText({ frequency: "monthly", dayOfMonth: 31, at: "08:00", interval: 3 })).toBe(
      "Every 3 months on day 31 at 08:00 (the user's time zone)",
    );
  });
});

describe("deleteScheduleQuestion", () => {
  it("names the user and type and says what stays", () => {
    const q = deleteScheduleQuestion("weekly_promo", "ada");
    expect(q).toMatch(/^Delete ada's weekly_promo schedule\?/);
    expect(q).toContain("already sent stay");
  });
});
