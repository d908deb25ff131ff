import { describe, expect, it } from "vitest";
import { decodeReactEntities } from "./react-entities.ts";

describe("decodeReactEntities", () => {
  it("decodes what React escapes, plus &#39; and &nbsp;", () => {
    expect(decodeReactEntities("Tom &amp; Jerry&#x27;s &lt;b&gt; &quot;x&quot; &#39; a&nbsp;b")).toBe(
      "Tom & Jerry's <b> \"x\" ' a\u00a0b",
    );
    expect(decodeReactEntities("no references")).toBe("no references");
    expect(decodeReactEntities("&amp;lt;")).toBe("&lt;");
  });

  it("leaves every other reference to htmlparser2", () => {
    for (const text of [
      "&copy;",
      "&amp",
      "&ampx;",
      "&LT;",
      "&#039;",
      "&#X27;",
      "&#128;",
      "a & b",
      "&",
      "&ltimes;",
    ]) {
      expect(decodeReactEntities(text), text).toBeUndefined();
    }
  });
});
