import { describe, expect, it } from 'vitest';
import { formatRemaining, remainingMs, urgency } from './countdown';

describe('lease countdown', () => {
  const now = Date.parse('2025-05-01T10:00:00Z');

  it('measures the time left against the given clock', () => {
    expect(remainingMs('2025-05-01T10:05:00Z', now)).toBe(300_000);
    expect(remainingMs('2025-05-01T09:59:30Z', now)).toBe(-30_000);
    expect(remainingMs('2025-05-01T12:05:00+02:00', now)).toBe(300_000);
    expect(remainingMs('soon', now)).toBeNull();
  });

  it('formats as m:ss, rounding up so 0:00 means over', () => {
    expect(formatRemaining(300_000)).toBe('5:00');
    expect(formatRemaining(59_001)).toBe('1:00');
    expect(formatRemaining(9_000)).toBe('0:09');
    expect(formatRemaining(1)).toBe('0:01');
    expect(formatRemaining(0)).toBe('0:00');
    expect(formatRemaining(-5_000)).toBe('0:00');
    expect(formatRemaining(3_723_000)).toBe('1:02:03');
  });

  it('grows urgent in the last minute', () => {
    expect(urgency(120_000)).toBe('ok');
    expect(urgency(60_000)).toBe('warn');
    expect(urgency(15_000)).toBe('critical');
    expect(urgency(0)).toBe('expired');
  });
});
