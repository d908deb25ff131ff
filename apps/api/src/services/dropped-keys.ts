const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The paths of the keys in `input` that parsing left out of `output`: zod
 * strips keys an object schema does not name, so a misspelt optional field
 * (`trackingURL` for `trackingUrl`) would vanish without a word.
 */
export function droppedKeys(input: unknown, output: unknown, path: string[] = []): string[][] {
  if (Array.isArray(input) && Array.isArray(output)) {
    return input.flatMap((v, i) => droppedKeys(v, output[i], [...path, String(i)]));
  }
  if (!isPlain(input) || !isPlain(output)) return [];
  return Object.keys(input).flatMap((key) =>
    Object.hasOwn(output, key) ? droppedKeys(input[key], output[key], [...path, key]) : [[...path, key]],
  );
}
