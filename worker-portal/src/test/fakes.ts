/** Test doubles shared by the unit tests. */
import type { FetchLike } from '@common/lib/http';
import type { AnswerResult, Id, Task, TaskSource } from '../api/worker';

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

let taskCounter = 0;

export function makeTask(overrides: Partial<Task> = {}, now = Date.now()): Task {
  taskCounter++;
  return {
    assignmentId: `a-${taskCounter}`,
    jobId: 7,
    jobTitle: 'Sentiment of reviews',
    instructions: 'Pick the **sentiment** of the review.',
    labels: ['positive', 'negative', 'neutral'],
    data: { text: `Review number ${taskCounter}` },
    rewardMinor: 5,
    leaseExpiresAt: new Date(now + 5 * 60_000).toISOString(),
    ...overrides,
  };
}

type Outcome<T> = T | Error | (() => T | Promise<T>);

/** A TaskSource whose answers are queued per call, recording every call. */
export class FakeTaskSource implements TaskSource {
  readonly nextQueue: Outcome<Task | null>[] = [];
  readonly answerQueue: Outcome<AnswerResult>[] = [];
  readonly calls: { next: (Id | undefined)[]; answers: { assignmentId: string; label: string; key: string }[]; released: { id: string; keepalive: boolean }[] } = {
    next: [],
    answers: [],
    released: [],
  };
  now = Date.now();

  queueTasks(...tasks: Outcome<Task | null>[]): this {
    this.nextQueue.push(...tasks);
    return this;
  }

  async nextTask(jobId?: Id): Promise<Task | null> {
    this.calls.next.push(jobId);
    return resolve(this.nextQueue.shift() ?? null);
  }

  async answer(assignmentId: string, label: string, key: string): Promise<AnswerResult> {
    this.calls.answers.push({ assignmentId, label, key });
    return resolve(this.answerQueue.shift() ?? { assignmentId, status: 'SUBMITTED' });
  }

  async release(id: string, options: { keepalive?: boolean } = {}): Promise<void> {
    this.calls.released.push({ id, keepalive: options.keepalive ?? false });
  }

  serverNow(): number {
    return this.now;
  }
}

async function resolve<T>(outcome: Outcome<T>): Promise<T> {
  if (outcome instanceof Error) throw outcome;
  if (typeof outcome === 'function') return (outcome as () => T | Promise<T>)();
  return outcome;
}

/** Lets pending promise callbacks run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0));
}
