/** What a cut-short stream errors with; the failure itself goes to `onError`. */
export const CUT_SHORT = "JSON document stream cut short: a page failed (see the log)";

/** A top-level array of the document, written page by page as its pages arrive. */
export interface StreamedArray {
  name: string;
  pages: AsyncIterable<unknown[]>;
}

export interface JsonDocumentStreamOptions {
  /**
   * Called once when a page fails after the first byte: the stream then
   * errors, so the HTTP server cuts the response short (no final chunk) and
   * the file is visibly truncated, never a valid document missing rows.
   */
  onError: (err: unknown) => void;
}

/**
 * Text chunks of `{...head, name: [items…], …}`: the head's members, then
 * each streamed array, one item per line. Nothing is read ahead of the
 * consumer: the next page is asked for when the previous chunk was taken.
 */
async function* documentChunks(
  head: Record<string, unknown>,
  arrays: StreamedArray[],
): AsyncGenerator<string> {
  const members = Object.entries(head).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  yield `{${members.join(",\n")}`;
  let separator = members.length > 0 ? ",\n" : "";
  for (const { name, pages } of arrays) {
    yield `${separator}${JSON.stringify(name)}:[`;
    separator = ",\n";
    let first = true;
    for await (const page of pages) {
      if (page.length === 0) continue;
      yield `${first ? "\n" : ",\n"}${page.map((item) => JSON.stringify(item)).join(",\n")}`;
      first = false;
    }
    yield "]";
  }
  yield "}\n";
}

/**
 * A JSON document as a byte stream pulled by its reader (the HTTP
 * response): backpressure comes for free, since a page is only read from
 * the database when the socket has taken the previous one. Cancelling the
 * stream (the client went away) stops the pages' iteration.
 */
export function jsonDocumentStream(
  head: Record<string, unknown>,
  arrays: StreamedArray[],
  options: JsonDocumentStreamOptions,
): ReadableStream<Uint8Array> {
  const chunks = documentChunks(head, arrays);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: IteratorResult<string>;
        try {
          next = await chunks.next();
        } catch (err) {
          options.onError(err);
          // The HTTP server prints what errors a body to stderr, unscrubbed: it gets no more than this.
          controller.error(new Error(CUT_SHORT));
          return;
        }
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    // Pull one chunk at a time, when the reader asks: no page is read ahead of the socket.
    { highWaterMark: 0 },
  );
}
