import { describe, expect, it } from 'vitest';
import { newUuid } from './uuid';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newUuid', () => {
  it('uses crypto.randomUUID when the page is a secure context', () => {
    expect(newUuid({ randomUUID: () => '11111111-1111-4111-8111-111111111111', getRandomValues: (a) => a })).toBe(
      '11111111-1111-4111-8111-111111111111',
    );
  });

  it('falls back to getRandomValues on plain http, still producing v4 UUIDs', () => {
    const insecure = { getRandomValues: (a: Uint8Array) => crypto.getRandomValues(a) };
    const ids = new Set(Array.from({ length: 50 }, () => newUuid(insecure)));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(V4);
  });
});
