import { describe, expect, it } from 'vitest';
import { currencyDigits, formatCount, formatDateTime, formatMoney, formatPercent } from './format';

describe('formatMoney', () => {
  it('formats integer minor units as dollars and cents', () => {
    expect(formatMoney(1234, 'USD', 'en-US')).toBe('$12.34');
    expect(formatMoney(5, 'USD', 'en-US')).toBe('$0.05');
    expect(formatMoney(0, 'USD', 'en-US')).toBe('$0.00');
    expect(formatMoney(-250, 'USD', 'en-US')).toBe('-$2.50');
    expect(formatMoney(123456789, 'USD', 'en-US')).toBe('$1,234,567.89');
  });

  it('defaults to USD', () => {
    expect(formatMoney(100, undefined, 'en-US')).toBe('$1.00');
  });

  it('respects currencies without or with more minor digits', () => {
    expect(currencyDigits('JPY')).toBe(0);
    expect(formatMoney(1500, 'JPY', 'en-US')).toBe('¥1,500');
    expect(currencyDigits('KWD')).toBe(3);
    expect(formatMoney(1500, 'EUR', 'de-DE')).toBe('15,00\u00a0€');
  });

  it('shows a dash rather than a wrong number for missing or fractional amounts', () => {
    expect(formatMoney(null)).toBe('—');
    expect(formatMoney(undefined)).toBe('—');
    expect(formatMoney(12.5)).toBe('—');
    expect(formatMoney(Number.NaN)).toBe('—');
  });

  it('falls back to USD for an unknown currency code', () => {
    expect(formatMoney(100, 'NOT-A-CURRENCY', 'en-US')).toBe('$1.00');
  });
});

describe('other formats', () => {
  it('formats shares as percentages', () => {
    expect(formatPercent(0.925, 'en-US')).toBe('92.5%');
    expect(formatPercent(1, 'en-US')).toBe('100%');
    expect(formatPercent(null)).toBe('—');
  });

  it('formats counts and dates, keeping unparseable dates as given', () => {
    expect(formatCount(12345, 'en-US')).toBe('12,345');
    expect(formatDateTime('not a date')).toBe('not a date');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('2025-03-04T10:00:00Z', 'en-US')).toMatch(/Mar 4, 2025/);
  });
});
