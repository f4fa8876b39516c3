/** The lease countdown: how long the worker still holds the current task. */

export type Urgency = 'ok' | 'warn' | 'critical' | 'expired';

/** Milliseconds left on a lease, or null when the expiry instant cannot be read. */
export function remainingMs(leaseExpiresAt: string, nowMs: number): number | null {
  const expiresMs = Date.parse(leaseExpiresAt);
  if (Number.isNaN(expiresMs)) return null;
  return expiresMs - nowMs;
}

/** 'm:ss', or 'h:mm:ss' from one hour up. Rounded up, so '0:00' appears only once the lease is over. */
export function formatRemaining(ms: number): string {
  const totalSeconds = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

export function urgency(ms: number): Urgency {
  if (ms <= 0) return 'expired';
  if (ms <= 15_000) return 'critical';
  if (ms <= 60_000) return 'warn';
  return 'ok';
}
