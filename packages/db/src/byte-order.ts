/**
 * Orders strings as PostgreSQL's `COLLATE "C"` does (UTF-8 bytes, which is
 * code point order), for writers that must lock rows in the order of a
 * unique index on such a column. JavaScript's `<` compares UTF-16 code units
 * and puts a code point above U+FFFF (two surrogates, 0xD800–0xDFFF) before
 * U+E000–U+FFFF, where UTF-8 puts it after: two writers sorting those ids
 * differently would take their row locks in opposite orders and deadlock.
 */
export function byteOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xAstral = x >= 0xd800 && x <= 0xdfff;
    const yAstral = y >= 0xd800 && y <= 0xdfff;
    if (xAstral !== yAstral) return xAstral ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
