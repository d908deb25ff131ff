import { describe, expect, it } from "vitest";
import { isContentRejection, refusalStep } from "./content-rejection.ts";

describe("isContentRejection", () => {
  it("is true for the answers that refuse the body: 400, 413, 422", () => {
    for (const status of [400, 413, 422]) expect(isContentRejection(status)).toBe(true);
  });

  it("is false for the receiver's state: auth, URL, throttling, server errors, no answer", () => {
    for (const status of [401, 403, 404, 405, 408, 409, 410, 415, 429, 500, 502, 503, 504, 301, 302])
      expect(isContentRejection(status)).toBe(false);
    expect(isContentRejection(null)).toBe(false);
  });
});

describe("refusalStep", () => {
  const base = { status: 422, rejections: 0, changes: 10, splitAfter: 3 };

  it("retries a content rejection whole until the splitAfter-th in a row", () => {
    expect(refusalStep(base)).toBe("retry");
    expect(refusalStep({ ...base, rejections: 1 })).toBe("retry");
    expect(refusalStep({ ...base, rejections: 2 })).toBe("split");
    expect(refusalStep({ ...base, status: 413, rejections: 2 })).toBe("split");
    expect(refusalStep({ ...base, status: 400, rejections: 5 })).toBe("split");
  });

  it("drops a single change refused splitAfter times instead of splitting it", () => {
    expect(refusalStep({ ...base, changes: 1, rejections: 1 })).toBe("retry");
    expect(refusalStep({ ...base, changes: 1, rejections: 2 })).toBe("drop");
    expect(refusalStep({ ...base, changes: 1, rejections: 0, splitAfter: 1 })).toBe("drop");
  });

  it("never splits or drops on any other failure, however often it repeats", () => {
    for (const status of [401, 403, 404, 410, 429, 503, null])
      expect(refusalStep({ ...base, status, rejections: 50 })).toBe("retry");
    expect(refusalStep({ ...base, status: 503, changes: 1, rejections: 50 })).toBe("retry");
  });

  it("never splits or drops with splitAfter 0 (STATUS_WEBHOOK_SPLIT_AFTER=0: off)", () => {
    expect(refusalStep({ ...base, splitAfter: 0, rejections: 50 })).toBe("retry");
    expect(refusalStep({ ...base, splitAfter: 0, changes: 1, rejections: 50 })).toBe("retry");
  });
});
