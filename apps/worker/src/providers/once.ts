/**
 * A promise made on first call and shared by every later one; a rejection is
 * not kept, so the next call tries again (a database or an import that failed
 * once may work the next time).
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make().catch((err) => {
      value = undefined;
      throw err;
    });
    return value;
  };
}
