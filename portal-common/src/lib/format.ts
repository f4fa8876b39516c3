/** Display formatting. Money is always integer minor units (cents for USD) and never goes through float math
 *  except for the final division Intl needs, which is exact for any amount below 2^53 minor units. */

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, locale: string | undefined): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    moneyFormats.set(key, format);
  }
  return format;
}

/** Digits after the decimal point for a currency: 2 for USD, 0 for JPY, 3 for KWD. */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * Formats an amount in minor units, e.g. formatMoney(1234) === '$12.34'.
 * A missing or non-integer amount shows as an em dash rather than a wrong number.
 */
export function formatMoney(minor: number | null | undefined, currency = 'USD', locale?: string): string {
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor)) return '—';
  let code = currency.toUpperCase();
  let format: Intl.NumberFormat;
  try {
    format = moneyFormat(code, locale);
  } catch {
    code = 'USD';
    format = moneyFormat(code, locale);
  }
  const digits = currencyDigits(code);
  return format.format(minor / 10 ** digits);
}

/** A share in [0, 1] as a percentage, e.g. 0.925 → '92.5%'. */
export function formatPercent(share: number | null | undefined, locale?: string, maxDigits = 1): string {
  if (typeof share !== 'number' || !Number.isFinite(share)) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: maxDigits }).format(share);
}

export function formatCount(n: number | null | undefined, locale?: string): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(locale).format(n);
}

/** An ISO-8601 instant as a short local date and time; unparseable input is shown as given. */
export function formatDateTime(iso: string | null | undefined, locale?: string): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}
