import { describe, expect, it } from "vitest";
import { LINK_URL_MESSAGE, linkUrl, listNotificationTypes } from "./index.ts";

type Path = (string | number)[];

/** Where `value` holds a web URL: the catalog's link fields, as its examples fill them in. */
function urlPaths(value: unknown, path: Path = []): Path[] {
  if (typeof value === "string") return /^https?:\/\//.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => urlPaths(v, [...path, i]));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => urlPaths(v, [...path, k]));
  return [];
}

function withValue(value: unknown, path: Path, replacement: string): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string, unknown>;
  copy[head as string] = withValue(copy[head as string], rest, replacement);
  return copy;
}

const HOSTILE = [
  "javascript:alert(document.cookie)",
  "JavaScript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "vbscript:msgbox(1)",
  "file:///etc/passwd",
  "ftp://files.example.com/x",
];

describe("linkUrl", () => {
  it("takes http and https links", () => {
    for (const url of ["https://app.example.com/reset?token=t", "http://localhost:3000/orders/1"])
      expect(linkUrl().safeParse(url).success, url).toBe(true);
  });

  it("gives the link as the URL parser writes it, markup characters percent-encoded", () => {
    expect(linkUrl().parse('https://ok.example/"><script>alert(1)</script>')).toBe(
      "https://ok.example/%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
    );
    expect(linkUrl().parse("HTTPS://App.Example.com/reset?token=t")).toBe(
      "https://app.example.com/reset?token=t",
    );
  });

  it("refuses script, data and other schemes", () => {
    for (const url of HOSTILE) {
      const r = linkUrl().safeParse(url);
      expect(r.success, url).toBe(false);
      expect(r.error?.issues[0]?.message).toBe(LINK_URL_MESSAGE);
    }
  });
});

describe("every link field of the catalog", () => {
  const types = listNotificationTypes();

  it("is filled in by the examples, so this walk sees each one", () => {
    const found = Object.fromEntries(types.map((d) => [d.type, urlPaths(d.example).map((p) => p.join("."))]));
    expect(found).toEqual({
      order_placed: ["url"],
      password_reset: ["resetUrl"],
      payment_failed: ["retryUrl"],
      weekly_promo: ["ctaUrl"],
    });
  });

  it("refuses anything but http and https, naming the field", () => {
    for (const d of types) {
      for (const path of urlPaths(d.example)) {
        for (const url of HOSTILE) {
          const r = d.schema.safeParse(withValue(d.example, path, url));
          expect(r.success, `${d.type}.${path.join(".")} = ${url}`).toBe(false);
          expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
            [path.join("."), LINK_URL_MESSAGE],
          ]);
        }
      }
    }
  });
});
