const cache = new Map<string, Intl.NumberFormat>();

const ISO_4217 = /^[A-Za-z]{3}$/;

/**
 * `12.5, "EUR", "de-DE"` → `12,50 €`; a currency that is no ISO 4217 code
 * (`"points"`) follows the amount: `12.50 points`. Formatters are cached:
 * building one costs more than formatting.
 */
export function money(amount: number, currency: string, locale: string): string {
  const code = ISO_4217.test(currency) ? currency.toUpperCase() : null;
  const key = `${locale}|${code ?? ""}`;
  let format = cache.get(key);
  if (!format) {
    const style = code ? { style: "currency" as const, currency: code } : { minimumFractionDigits: 2 };
    try {
      format = new Intl.NumberFormat(locale, style);
    } catch {
      format = new Intl.NumberFormat("en-US", style);
    }
    cache.set(key, format);
  }
  return code ? format.format(amount) : `${format.format(amount)} ${currency}`;
}
