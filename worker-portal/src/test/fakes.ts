/** Worker-portal test doubles: tasks and a scripted TaskSource. The generic ones are in @common/test/fakes. */
import type { AnswerOptions, AnswerResult, Id, Task, TaskSource } from '../api/worker';

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

/**
 * A TaskSource whose answers are queued per call, recording every call. An answer comes back without `next` unless
 * the queued result carries one (like a server that had no next task to lease).
 */
export class FakeTaskSource implements TaskSource {
  readonly nextQueue: Outcome<Task | null>[] = [];
  readonly answerQueue: Outcome<AnswerResult>[] = [];
  readonly calls: {
    next: (Id | undefined)[];
    answers: { assignmentId: string; label: string; key: string; options: AnswerOptions | undefined }[];
    released: { id: string; keepalive: boolean }[];
  } = {
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

  async answer(assignmentId: string, label: string, key: string, options?: AnswerOptions): Promise<AnswerResult> {
    this.calls.answers.push({ assignmentId, label, key, options: options && { ...options } });
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
