/**
 * Money as the bot writes it: "1 250,50 ₽" in Russian, "₽1,250.50" in English; whole amounts
 * without kopecks. Minor units in, two decimals assumed (RUB, USD, EUR…).
 */
export function formatMoney(minor: bigint | string, currency: string, locale: string): string {
  const value = BigInt(minor);
  const sign = value < 0n ? "−" : "";
  const abs = value < 0n ? -value : value;
  const whole = (abs / 100n).toString();
  const cents = abs % 100n;
  const symbol = currencySymbol(currency, locale);
  if (locale === "ru") {
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
    const fraction = cents === 0n ? "" : `,${cents.toString().padStart(2, "0")}`;
    return `${sign}${grouped}${fraction} ${symbol}`;
  }
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = cents === 0n ? "" : `.${cents.toString().padStart(2, "0")}`;
  return `${sign}${symbol}${grouped}${fraction}`;
}

const symbols = new Map<string, string>();

function currencySymbol(currency: string, locale: string): string {
  const key = `${locale}:${currency}`;
  let symbol = symbols.get(key);
  if (symbol === undefined) {
    symbol =
      new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-GB", {
        style: "currency",
        currency,
        currencyDisplay: "narrowSymbol",
      })
        .formatToParts(0)
        .find((part) => part.type === "currency")?.value ?? currency;
    symbols.set(key, symbol);
  }
  return symbol;
}
