import { describe, expect, it } from "vitest";
import { retryingBatchOutlook } from "./status-webhook-text.ts";

describe("retryingBatchOutlook", () => {
  it("speaks of MAX_AGE while the receiver fails (5xx, timeouts), and of the split once it refuses the body", () => {
    expect(retryingBatchOutlook({ rejections: 0 })).toMatch(/dropped after STATUS_WEBHOOK_MAX_AGE\.$/);
    const refused = retryingBatchOutlook({ rejections: 2 });
    expect(refused).toContain("STATUS_WEBHOOK_SPLIT_AFTER");
    expect(refused).toContain("counted as Rejected");
    expect(refused).not.toContain("MAX_AGE");
  });
});
