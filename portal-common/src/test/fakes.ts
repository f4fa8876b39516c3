/** Test doubles for the portals' unit tests: a scripted fetch, canned responses and a fake API keyed by route. */
import type { FetchLike } from '../lib/http';

export interface RecordedRequest {
  url: string;
  init: RequestInit;
  headers: Record<string, string>;
  body: unknown;
}

export type Reply = Response | Error | ((req: RecordedRequest) => Response | Promise<Response>);

/** A fetch that answers from a queue and records every request. */
export function scriptedFetch(...replies: Reply[]): FetchLike & { requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fn = async (url: string, init: RequestInit) => {
    const headers = { ...(init.headers as Record<string, string>) };
    const req: RecordedRequest = {
      url,
      init,
      headers,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(req);
    const reply = replies.shift();
    if (!reply) throw new Error(`No scripted reply for ${init.method} ${url}`);
    if (reply instanceof Error) throw reply;
    return typeof reply === 'function' ? reply(req) : reply;
  };
  return Object.assign(fn, { requests });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function problem(status: number, body: Record<string, unknown>): Response {
  return new Response(JSON.stringify({ status, ...body }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** A fake API keyed by "METHOD path" (query string ignored); unknown routes answer 404. Records every call. */
export function fakeApi(routes: Record<string, (req: RecordedRequest) => Response>) {
  const calls: string[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    const key = `${init.method} ${url.split('?')[0]}`;
    calls.push(key);
    const handler = routes[key];
    if (!handler) return problem(404, { title: 'Not found' });
    return handler({ url, init, headers: init.headers as Record<string, string>, body: init.body ? JSON.parse(init.body as string) : undefined });
  };
  return { fetch, calls };
}

/** Lets pending promise callbacks run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0));
}
