import { describe, expect, it } from "vitest";
import { CUT_SHORT, jsonDocumentStream } from "./json-document-stream.ts";

async function* pagesOf<T>(pages: T[][], asked: { count: number } = { count: 0 }): AsyncGenerator<T[]> {
  for (const page of pages) {
    asked.count++;
    yield page;
  }
}

const never = () => {
  throw new Error("onError called");
};

describe("jsonDocumentStream", () => {
  it("writes the head, then each array page by page, as one JSON document", async () => {
    const stream = jsonDocumentStream(
      { a: 1, b: { c: "x" } },
      [
        { name: "empty", pages: pagesOf<number>([]) },
        { name: "items", pages: pagesOf([[{ id: 1 }, { id: 2 }], [], [{ id: 3 }]]) },
      ],
      { onError: never },
    );
    const text = await new Response(stream).text();
    expect(JSON.parse(text)).toEqual({
      a: 1,
      b: { c: "x" },
      empty: [],
      items: [{ id: 1 }, { id: 2 }, { id: 3 }],
    });
    // One item per line, for whoever opens the file.
    expect(text.split("\n")).toContain('{"id":2},');
  });

  it("is valid JSON with no head and no arrays", async () => {
    expect(JSON.parse(await new Response(jsonDocumentStream({}, [], { onError: never })).text())).toEqual({});
    const arraysOnly = jsonDocumentStream({}, [{ name: "x", pages: pagesOf([[1]]) }], { onError: never });
    expect(JSON.parse(await new Response(arraysOnly).text())).toEqual({ x: [1] });
  });

  it("asks for a page only when the reader takes the next chunk", async () => {
    const asked = { count: 0 };
    const stream = jsonDocumentStream({ a: 1 }, [{ name: "x", pages: pagesOf([[1], [2], [3]], asked) }], {
      onError: never,
    });
    const reader = stream.getReader();
    await reader.read(); // the head
    await reader.read(); // `"x":[`
    expect(asked.count).toBe(0);
    await reader.read();
    expect(asked.count).toBe(1);
    await reader.cancel();
    expect(asked.count).toBe(1);
  });

  it("errors after what was written when a page fails, and reports the failure once", async () => {
    const failures: unknown[] = [];
    async function* failing(): AsyncGenerator<number[]> {
      yield [1];
      throw new Error("db down");
    }
    const stream = jsonDocumentStream({ a: 1 }, [{ name: "x", pages: failing() }], {
      onError: (err) => failures.push(err),
    });
    const reader = stream.getReader();
    let text = "";
    await expect(
      (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          text += new TextDecoder().decode(value);
        }
      })(),
    ).rejects.toThrow(CUT_SHORT);
    expect(text).toBe('{"a":1,\n"x":[\n1');
    expect(() => JSON.parse(text)).toThrow();
    expect(failures.map((f) => (f as Error).message)).toEqual(["db down"]);
  });
});
