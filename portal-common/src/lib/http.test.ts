import { describe, expect, it, vi } from 'vitest';
import { ApiError, HttpClient, MAX_RETRY_AFTER_MS, NETWORK_ERROR_STATUS, describeError, parseRetryAfter, problemFromResponse } from './http';
import { json, noContent, problem, scriptedFetch } from '../test/fakes';

describe('HttpClient', () => {
  it('sends JSON with the session cookie (same-origin credentials) and no Authorization header', async () => {
    const fetch = scriptedFetch(json(200, { ok: true }));
    const client = new HttpClient({ fetch });
    const res = await client.request<{ ok: boolean }>('/api/auth/signin', { method: 'POST', body: { email: 'a@b.c' } });

    expect(res.body).toEqual({ ok: true });
    const [req] = fetch.requests;
    expect(req!.init.credentials).toBe('same-origin');
    expect(req!.init.method).toBe('POST');
    expect(req!.headers['Content-Type']).toBe('application/json');
    expect(req!.headers.Authorization).toBeUndefined();
    expect(req!.body).toEqual({ email: 'a@b.c' });
  });

  it('adds only non-empty query parameters, encoded', async () => {
    const fetch = scriptedFetch(json(200, []), json(200, []));
    const client = new HttpClient({ fetch });
    await client.request('/api/worker/tasks/next', { query: { jobId: 'a b&c', other: undefined, empty: '' } });
    await client.request('/api/x', { query: { jobId: undefined } });
    expect(fetch.requests[0]!.url).toBe('/api/worker/tasks/next?jobId=a+b%26c');
    expect(fetch.requests[1]!.url).toBe('/api/x');
  });

  it('returns a null body for 204 No Content', async () => {
    const client = new HttpClient({ fetch: scriptedFetch(noContent()) });
    const res = await client.request('/api/worker/tasks/next', { method: 'POST' });
    expect(res).toEqual({ status: 204, body: null });
  });

  it('turns a problem+json body into an ApiError with detail and field errors', async () => {
    const client = new HttpClient({
      fetch: scriptedFetch(
        problem(422, {
          type: 'https://goldfinch.dev/problems/validation',
          title: 'Invalid request',
          detail: 'Password is too short.',
          errors: [
            { field: 'password', message: 'must have at least 10 characters' },
            { field: 'email', message: 'is already registered' },
            { nonsense: true },
          ],
        }),
      ),
    });
    const error = await client.request('/api/auth/signup', { method: 'POST', body: {} }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    expect(e.status).toBe(422);
    expect(e.title).toBe('Invalid request');
    expect(e.userMessage).toBe('Password is too short.');
    expect(e.fieldErrors).toEqual([
      { field: 'password', message: 'must have at least 10 characters' },
      { field: 'email', message: 'is already registered' },
    ]);
    expect(e.isTransient).toBe(false);
  });

  it('gives a readable error for a non-JSON error page (e.g. a proxy 502)', async () => {
    const client = new HttpClient({
      fetch: scriptedFetch(new Response('<html><body>Bad gateway</body></html>', { status: 502 })),
    });
    const e = (await client.request('/api/jobs').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.userMessage).toBe('Server error (502)');
    expect(e.isTransient).toBe(true);
  });

  it('carries the Retry-After of a 503 on the error, and none when the server gave none', async () => {
    const client = new HttpClient({
      fetch: scriptedFetch(
        json(503, { type: 'urn:goldfinch:problem:matching-state-rebuilding', title: 'Service Unavailable', status: 503 },
          { 'Retry-After': '2' }),
        problem(503, { title: 'Service Unavailable' }),
      ),
    });
    const first = (await client.request('/api/worker/tasks/next').catch((x: unknown) => x)) as ApiError;
    expect(first.retryAfterMs).toBe(2000);
    expect(first.isTransient).toBe(true);
    const second = (await client.request('/api/worker/tasks/next').catch((x: unknown) => x)) as ApiError;
    expect(second.retryAfterMs).toBeNull();
  });

  it('reports a failed connection as status 0, transient', async () => {
    const client = new HttpClient({ fetch: scriptedFetch(new TypeError('Failed to fetch')) });
    const e = (await client.request('/api/me').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(NETWORK_ERROR_STATUS);
    expect(e.userMessage).toMatch(/could not be sent/);
    expect(e.isTransient).toBe(true);
  });

  it('aborts a request that outlives the timeout', async () => {
    const fetch = vi.fn(
      (_url: string, init: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const client = new HttpClient({ fetch, timeoutMs: 10 });
    const e = (await client.request('/api/me').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(0);
    expect(e.title).toMatch(/too long/);
  });

  it('calls onUnauthorized on 401, then throws', async () => {
    const onUnauthorized = vi.fn();
    const client = new HttpClient({ fetch: scriptedFetch(problem(401, { title: 'Unauthorized' })), onUnauthorized });
    await expect(client.request('/api/worker/jobs')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('rejects a 200 whose body is not JSON', async () => {
    const client = new HttpClient({ fetch: scriptedFetch(new Response('<!doctype html>', { status: 200 })) });
    await expect(client.request('/api/me')).rejects.toThrow(/not JSON/);
  });

  it('learns the server clock from the Date header when it differs by more than the header resolution', async () => {
    const localNow = Date.parse('2025-01-01T12:00:00Z');
    const fetch = scriptedFetch(
      json(200, {}, { Date: 'Wed, 01 Jan 2025 12:05:00 GMT' }),
      json(200, {}, { Date: 'Wed, 01 Jan 2025 12:00:01 GMT' }),
    );
    const client = new HttpClient({ fetch, now: () => localNow });
    await client.request('/api/me');
    expect(client.serverNow() - localNow).toBe(5 * 60_000);
    await client.request('/api/me');
    expect(client.serverNow()).toBe(localNow); // one second apart is header noise
  });
});

describe('problemFromResponse', () => {
  it('falls back to a generic title per status when the body has none', () => {
    expect(problemFromResponse(403, 'Forbidden', '').userMessage).toBe('You do not have access to this');
    expect(problemFromResponse(409, '', '{}').userMessage).toBe('Conflict');
  });

  it('accepts a plain {message} JSON error', () => {
    expect(problemFromResponse(400, 'Bad Request', '{"message":"jobId must be a number"}').userMessage).toBe(
      'jobId must be a number',
    );
  });
});

describe('describeError', () => {
  it('capitalises lower-case server sentences but not identifiers', () => {
    expect(describeError(new ApiError({ status: 401, title: 'Unauthorized', detail: 'email or password is wrong' }))).toBe(
      'Email or password is wrong',
    );
    expect(describeError(new ApiError({ status: 400, title: 'Bad', detail: 'jobId must be a number' }))).toBe('jobId must be a number');
    expect(describeError(new ApiError({ status: 400, title: 'Bad', detail: 'body.label: must not be blank' }))).toBe(
      'body.label: must not be blank',
    );
  });

  it('prefers the problem detail, then the error message', () => {
    expect(describeError(new ApiError({ status: 400, title: 'Bad', detail: 'Email taken' }))).toBe('Email taken');
    expect(describeError(new Error('boom'))).toBe('Boom');
    expect(describeError('weird')).toBe('Something went wrong.');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T12:00:00Z');
  it('reads seconds and HTTP dates, clamps to [0, the maximum], and ignores what it cannot read', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 11:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('86400', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-3', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
  });
});
