const cache = new Map<string, Intl.NumberFormat>();

/** `12.5, "EUR", "de-DE"` → `12,50 €`. Formatters are cached: building one costs more than formatting. */
export function money(amount: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let format = cache.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, { style: "currency", currency });
    } catch {
      format = new Intl.NumberFormat("en-US", { style: "currency", currency });
    }
    cache.set(key, format);
  }
  return format.format(amount);
}
