import { describe, expect, it } from 'vitest';
import { ApiError } from '@common/lib/http';
import { flush } from '@common/test/fakes';
import type { Task } from '../api/worker';
import { FakeTaskSource, makeTask } from '../test/fakes';
import { LEASE_EXPIRED_NOTICE, LabelingSession, type SessionOptions, type SessionSnapshot } from './session';

function setup(source: FakeTaskSource, options: SessionOptions = {}) {
  const snapshots: SessionSnapshot[] = [];
  const sleeps: number[] = [];
  let keyCounter = 0;
  const session = new LabelingSession(source, (s) => snapshots.push(s), {
    sleep: async (ms) => void sleeps.push(ms),
    newKey: () => `key-${++keyCounter}`,
    ...options,
  });
  const state = () => session.snapshot().state;
  const current = () => {
    const s = state();
    if (s.kind !== 'task') throw new Error(`expected a task, got ${s.kind}`);
    return s;
  };
  return { session, snapshots, sleeps, state, current };
}

const serverError = () => new ApiError({ status: 503, title: 'Service unavailable' });
const networkError = () => new ApiError({ status: 0, title: 'Cannot reach the server' });
const rebuilding = () =>
  new ApiError({ status: 503, title: 'Service Unavailable', detail: 'the task pool is being rebuilt', retryAfterMs: 2000 });

describe('LabelingSession', () => {
  it('shows the first task and prefetches the next one for the same job', async () => {
    const source = new FakeTaskSource();
    const [t1, t2] = [makeTask(), makeTask()];
    source.queueTasks(t1, t2);
    const { session, current } = setup(source, { jobId: 7 });

    await session.start();
    expect(current().task).toBe(t1);
    await flush();
    expect(source.calls.next).toEqual([7, 7]);
  });

  it('submits the selected label and shows the prefetched task at once', async () => {
    const source = new FakeTaskSource();
    const [t1, t2, t3] = [makeTask(), makeTask(), makeTask()];
    source.queueTasks(t1, t2, t3);
    const { session, current } = setup(source);
    await session.start();
    await flush();

    session.select(1);
    expect(current().selected).toBe(1);
    await session.submit();

    expect(source.calls.answers).toEqual([
      { assignmentId: t1.assignmentId, label: 'negative', key: 'key-1', options: { next: true, jobId: undefined } },
    ]);
    expect(current().task).toBe(t2);
    expect(current().selected).toBeNull();
    expect(session.snapshot().submitted).toBe(1);
    await flush();
    expect(source.calls.next).toHaveLength(3); // t3 is being prefetched behind t2
  });

  it('asks for a label before submitting', async () => {
    const source = new FakeTaskSource().queueTasks(makeTask());
    const { session, current } = setup(source, { prefetch: false });
    await session.start();
    await session.submit();
    expect(source.calls.answers).toHaveLength(0);
    expect(current().error).toMatch(/Pick a label/);
  });

  it('retries a transient failure with the same idempotency key', async () => {
    const source = new FakeTaskSource();
    const t1 = makeTask();
    source.queueTasks(t1, makeTask());
    source.answerQueue.push(networkError(), serverError());
    const { session, sleeps } = setup(source, { retryDelayMs: 100 });
    await session.start();
    session.select(0);
    await session.submit();

    expect(source.calls.answers.map((a) => a.key)).toEqual(['key-1', 'key-1', 'key-1']);
    expect(sleeps).toEqual([100, 200]);
    expect(session.snapshot().submitted).toBe(1);
  });

  it('waits out a server that says when to retry, as long as it asks and beyond the usual attempts, when taking a task', async () => {
    const source = new FakeTaskSource();
    const t1 = makeTask();
    source.queueTasks(rebuilding(), rebuilding(), rebuilding(), rebuilding(), t1);
    const { session, sleeps, current } = setup(source, { prefetch: false, maxAttempts: 3, retryDelayMs: 100 });
    await session.start();
    expect(current().task).toBe(t1);
    expect(sleeps).toEqual([2000, 2000, 2000, 2000]);
  });

  it('gives up on a server that keeps asking to wait after the longest wait, and shows what it said', async () => {
    const source = new FakeTaskSource();
    source.queueTasks(...Array.from({ length: 20 }, () => rebuilding()));
    const { session, sleeps, state } = setup(source, { prefetch: false, maxRetryAfterWaitMs: 5000 });
    await session.start();
    expect(sleeps).toEqual([2000, 2000]); // a third wait would pass 5 s
    const s = state();
    expect(s.kind).toBe('failed');
    expect(s.kind === 'failed' && s.message).toMatch(/being rebuilt/);
  });

  it('does not wait out an error that gives no Retry-After when taking a task: it shows at once', async () => {
    const source = new FakeTaskSource();
    source.queueTasks(serverError(), makeTask());
    const { session, sleeps, state } = setup(source, { prefetch: false });
    await session.start();
    expect(sleeps).toEqual([]);
    expect(state().kind).toBe('failed');
  });

  it('retries an answer after the time a 503 asks for, even beyond the usual attempts, with the same key', async () => {
    const source = new FakeTaskSource();
    source.queueTasks(makeTask(), makeTask());
    source.answerQueue.push(rebuilding(), rebuilding(), rebuilding());
    const { session, sleeps } = setup(source, { prefetch: false, maxAttempts: 2, retryDelayMs: 100 });
    await session.start();
    session.select(0);
    await session.submit();
    expect(sleeps).toEqual([2000, 2000, 2000]);
    expect(new Set(source.calls.answers.map((a) => a.key))).toEqual(new Set(['key-1']));
    expect(session.snapshot().submitted).toBe(1);
  });

  it('after exhausting retries keeps the task, shows the error, and a manual retry reuses the key', async () => {
    const source = new FakeTaskSource();
    const t1 = makeTask();
    source.queueTasks(t1, makeTask());
    source.answerQueue.push(serverError(), serverError(), serverError());
    const { session, current } = setup(source, { maxAttempts: 3 });
    await session.start();
    session.select(2);
    await session.submit();

    expect(current().task).toBe(t1);
    expect(current().submitting).toBe(false);
    expect(current().error).toMatch(/not saved: Service unavailable\. Press Enter to try again/);

    await session.submit(); // the worker presses Enter again; the server now answers
    expect(source.calls.answers).toHaveLength(4);
    expect(new Set(source.calls.answers.map((a) => a.key))).toEqual(new Set(['key-1']));
    expect(session.snapshot().submitted).toBe(1);
  });

  it('does not retry a validation error and gives a new task a new key', async () => {
    const source = new FakeTaskSource();
    const [t1, t2] = [makeTask(), makeTask()];
    source.queueTasks(t1, t2);
    source.answerQueue.push(new ApiError({ status: 400, title: 'Bad Request', detail: 'Unknown label' }));
    const { session, current } = setup(source);
    await session.start();
    session.select(0);
    await session.submit();
    expect(source.calls.answers).toHaveLength(1);
    expect(current().error).toMatch(/Unknown label/);

    await session.submit();
    session.select(0);
    await session.submit();
    expect(source.calls.answers.map((a) => [a.assignmentId, a.key])).toEqual([
      [t1.assignmentId, 'key-1'],
      [t1.assignmentId, 'key-1'],
      [t2.assignmentId, 'key-2'],
    ]);
  });

  it('moves on with a notice when the lease expired (409)', async () => {
    const source = new FakeTaskSource();
    const [t1, t2] = [makeTask(), makeTask()];
    source.queueTasks(t1, t2);
    source.answerQueue.push(new ApiError({ status: 409, title: 'Conflict', detail: 'Lease expired' }));
    const { session, current } = setup(source);
    await session.start();
    session.select(0);
    await session.submit();

    expect(current().task).toBe(t2);
    expect(session.snapshot().notice).toBe(LEASE_EXPIRED_NOTICE);
    expect(session.snapshot().submitted).toBe(0);
    session.select(1);
    expect(session.snapshot().notice).toBeNull();
  });

  it('recognises the lease-expired problem type and passes on other conflicts', async () => {
    const source = new FakeTaskSource();
    source.queueTasks(makeTask(), makeTask(), makeTask());
    source.answerQueue.push(
      new ApiError({ status: 409, title: 'Conflict', type: 'urn:goldfinch:problem:lease-expired', detail: 'the answer was not stored' }),
      new ApiError({ status: 409, title: 'Conflict', type: 'urn:goldfinch:problem:already-answered', detail: 'this task was already answered' }),
    );
    const { session } = setup(source);
    await session.start();
    session.select(0);
    await session.submit();
    expect(session.snapshot().notice).toBe(LEASE_EXPIRED_NOTICE);
    session.select(0);
    await session.submit();
    expect(session.snapshot().notice).toBe('This task was already answered. Here is the next one.');
    expect(session.snapshot().state.kind).toBe('task');
  });

  it('shows the empty state on 204 and finds work when asked again', async () => {
    const source = new FakeTaskSource().queueTasks(null);
    const { session, state, current } = setup(source);
    await session.start();
    expect(state().kind).toBe('empty');

    const t = makeTask();
    source.queueTasks(t);
    await session.start();
    expect(current().task).toBe(t);
  });

  it('reports a failure to load and recovers on retry', async () => {
    const source = new FakeTaskSource().queueTasks(serverError());
    const { session, state } = setup(source);
    await session.start();
    expect(state()).toEqual({ kind: 'failed', message: 'Service unavailable.' });
    source.queueTasks(makeTask());
    await session.start();
    expect(state().kind).toBe('task');
  });

  it('skip takes the next task first, then releases the skipped one', async () => {
    const source = new FakeTaskSource();
    const [t1, t2] = [makeTask(), makeTask()];
    source.queueTasks(t1, t2);
    const { session, current } = setup(source);
    await session.start();
    await flush();
    await session.skip();

    expect(current().task).toBe(t2);
    expect(source.calls.released).toEqual([{ id: t1.assignmentId, keepalive: false }]);
    expect(source.calls.answers).toHaveLength(0);
  });

  it('treats the skipped lease handed straight back as nothing available', async () => {
    const source = new FakeTaskSource();
    const t1 = makeTask();
    source.queueTasks(t1, null, t1);
    const { session, state } = setup(source);
    await session.start();
    await flush();
    await session.skip();
    expect(state().kind).toBe('empty');
    expect(source.calls.released.map((r) => r.id)).toEqual([t1.assignmentId]);
  });

  it('hands back a prefetched task whose lease has almost run out and takes a fresh one', async () => {
    const source = new FakeTaskSource();
    const t1 = makeTask({}, source.now);
    const stale = makeTask({ leaseExpiresAt: new Date(source.now + 5_000).toISOString() });
    const fresh = makeTask({}, source.now);
    source.queueTasks(t1, stale, fresh);
    const { session, current } = setup(source, { minLeaseMs: 20_000 });
    await session.start();
    await flush();
    session.select(0);
    await session.submit();

    expect(current().task).toBe(fresh);
    expect(source.calls.released.map((r) => r.id)).toContain(stale.assignmentId);
  });

  it('ignores a prefetch that returns the current lease again', async () => {
    const source = new FakeTaskSource();
    const t1 = makeTask();
    const t2 = makeTask();
    source.queueTasks(t1, t1, t2);
    const { session, current } = setup(source);
    await session.start();
    await flush();
    session.select(0);
    await session.submit();
    expect(current().task).toBe(t2);
  });

  it('when the lease timer runs out, moves on without submitting or releasing', async () => {
    const source = new FakeTaskSource();
    const [t1, t2] = [makeTask(), makeTask()];
    source.queueTasks(t1, t2);
    const { session, current } = setup(source);
    await session.start();
    await session.expire('some-other-assignment');
    expect(current().task).toBe(t1);
    await session.expire(t1.assignmentId);
    expect(current().task).toBe(t2);
    expect(session.snapshot().notice).toBe(LEASE_EXPIRED_NOTICE);
    expect(source.calls.released).toHaveLength(0);
  });

  it('stop() releases the current and the prefetched task, with keepalive on page hide', async () => {
    const source = new FakeTaskSource();
    const [t1, t2] = [makeTask(), makeTask()];
    source.queueTasks(t1, t2);
    const { session, state } = setup(source);
    await session.start();
    session.stop({ keepalive: true });
    await flush();
    expect(state().kind).toBe('stopped');
    expect(source.calls.released).toEqual([
      { id: t1.assignmentId, keepalive: true },
      { id: t2.assignmentId, keepalive: true },
    ]);
    await session.start();
    expect(source.calls.next).toHaveLength(2);
  });

  it('releases a task that arrives after the session stopped', async () => {
    const source = new FakeTaskSource();
    let deliver!: (value: ReturnType<typeof makeTask>) => void;
    const late = makeTask();
    source.queueTasks(() => new Promise((resolve) => (deliver = resolve)));
    const { session } = setup(source, { prefetch: false });
    const started = session.start();
    session.stop();
    deliver(late);
    await started;
    await flush();
    expect(source.calls.released.map((r) => r.id)).toEqual([late.assignmentId]);
  });

  it('ignores label picks while an answer is in flight', async () => {
    const source = new FakeTaskSource();
    source.queueTasks(makeTask(), makeTask());
    let answer!: () => void;
    source.answerQueue.push(() => new Promise((resolve) => (answer = () => resolve({ assignmentId: 'x', status: 'SUBMITTED' }))));
    const { session, current } = setup(source);
    await session.start();
    session.select(0);
    const submitting = session.submit();
    await flush();
    expect(current().submitting).toBe(true);
    session.select(2);
    await session.submit(); // a second Enter while the first is in flight does nothing
    expect(current().selected).toBe(0);
    expect(source.calls.answers).toHaveLength(1);
    answer();
    await submitting;
    expect(session.snapshot().submitted).toBe(1);
  });

  describe('with the next task leased by the answer call', () => {
    const submitted = (assignmentId: string, next?: Task | null) => ({ assignmentId, status: 'SUBMITTED', next });

    it('asks for the next task of the same job in the answer call, also on retries', async () => {
      const source = new FakeTaskSource();
      const t1 = makeTask();
      source.queueTasks(t1, makeTask());
      source.answerQueue.push(networkError());
      const { session } = setup(source, { jobId: 7 });
      await session.start();
      session.select(0);
      await session.submit();
      expect(source.calls.answers).toEqual([
        { assignmentId: t1.assignmentId, label: 'positive', key: 'key-1', options: { next: true, jobId: 7 } },
        { assignmentId: t1.assignmentId, label: 'positive', key: 'key-1', options: { next: true, jobId: 7 } },
      ]);
    });

    it('shows the prefetched task and keeps the returned one as the next prefetch, without asking /tasks/next', async () => {
      const source = new FakeTaskSource();
      const [t1, t2, t3, t4] = [makeTask(), makeTask(), makeTask(), makeTask()];
      source.queueTasks(t1, t2, makeTask()); // a third nextTask would get a task no one asked for
      source.answerQueue.push(submitted(t1.assignmentId, t3), submitted(t2.assignmentId, t4));
      const { session, current } = setup(source, { jobId: 7 });
      await session.start();
      await flush();
      expect(source.calls.next).toEqual([7, 7]);

      session.select(0);
      await session.submit();
      await flush();
      expect(current().task).toBe(t2);
      expect(source.calls.next).toEqual([7, 7]);

      session.select(1);
      await session.submit();
      await flush();
      expect(current().task).toBe(t3);
      expect(source.calls.next).toEqual([7, 7]);
      expect(source.calls.answers.map((a) => a.assignmentId)).toEqual([t1.assignmentId, t2.assignmentId]);
      expect(session.snapshot().submitted).toBe(2);
      expect(source.calls.released).toHaveLength(0);

      // The task that came back last (t4) is held as the prefetch, so stop() hands it back with the current one.
      session.stop();
      await flush();
      expect(source.calls.released.map((r) => r.id)).toEqual([t3.assignmentId, t4.assignmentId]);
    });

    it('without prefetching, shows the returned task directly and never asks /tasks/next after the first', async () => {
      const source = new FakeTaskSource();
      const [t1, t2, t3] = [makeTask(), makeTask(), makeTask()];
      source.queueTasks(t1, makeTask());
      source.answerQueue.push(submitted(t1.assignmentId, t2), submitted(t2.assignmentId, t3));
      const { session, current } = setup(source, { prefetch: false });
      await session.start();
      session.select(0);
      await session.submit();
      expect(current().task).toBe(t2);
      session.select(0);
      await session.submit();
      await flush();
      expect(current().task).toBe(t3);
      expect(source.calls.next).toHaveLength(1);
      expect(source.calls.answers.map((a) => a.options)).toEqual([{ next: true }, { next: true }]);
    });

    it('when the prefetch found nothing, shows the returned task and prefetches behind it', async () => {
      const source = new FakeTaskSource();
      const [t1, t2, t3] = [makeTask(), makeTask(), makeTask()];
      source.queueTasks(t1, null, t3);
      source.answerQueue.push(submitted(t1.assignmentId, t2));
      const { session, current } = setup(source);
      await session.start();
      await flush();
      session.select(0);
      await session.submit();
      expect(current().task).toBe(t2);
      await flush();
      expect(source.calls.next).toHaveLength(3);
      session.select(0);
      await session.submit();
      expect(current().task).toBe(t3);
    });

    it('shows the returned task instead of a prefetched one whose lease has almost run out', async () => {
      const source = new FakeTaskSource();
      const t1 = makeTask({}, source.now);
      const stale = makeTask({ leaseExpiresAt: new Date(source.now + 5_000).toISOString() });
      const returned = makeTask({}, source.now);
      source.queueTasks(t1, stale, makeTask());
      source.answerQueue.push(submitted(t1.assignmentId, returned));
      const { session, current } = setup(source, { minLeaseMs: 20_000 });
      await session.start();
      await flush();
      session.select(0);
      await session.submit();
      expect(current().task).toBe(returned);
      expect(source.calls.released.map((r) => r.id)).toEqual([stale.assignmentId]);
      await flush();
      expect(source.calls.next).toHaveLength(3); // only the prefetch behind the returned task
    });

    it('falls back to /tasks/next when the answer brings no next task', async () => {
      const source = new FakeTaskSource();
      const [t1, t2] = [makeTask(), makeTask()];
      source.queueTasks(t1, t2);
      source.answerQueue.push(submitted(t1.assignmentId, null));
      const { session, current } = setup(source, { prefetch: false, jobId: 7 });
      await session.start();
      session.select(0);
      await session.submit();
      expect(current().task).toBe(t2);
      expect(source.calls.next).toEqual([7, 7]);
    });

    it('falls back to /tasks/next, which can say there is nothing, when the answer brings no next task', async () => {
      const source = new FakeTaskSource();
      const t1 = makeTask();
      source.queueTasks(t1, null, null);
      source.answerQueue.push(submitted(t1.assignmentId));
      const { session, state } = setup(source);
      await session.start();
      await flush();
      session.select(0);
      await session.submit();
      expect(state().kind).toBe('empty');
      expect(source.calls.next).toHaveLength(3);
      expect(session.snapshot().submitted).toBe(1);
    });

    it('ignores a returned task that is the answered lease itself', async () => {
      const source = new FakeTaskSource();
      const [t1, t2] = [makeTask(), makeTask()];
      source.queueTasks(t1, t2);
      source.answerQueue.push(submitted(t1.assignmentId, t1));
      const { session, current } = setup(source, { prefetch: false });
      await session.start();
      session.select(0);
      await session.submit();
      expect(current().task).toBe(t2);
      expect(source.calls.next).toHaveLength(2);
      expect(source.calls.released).toHaveLength(0);
    });

    it('releases a returned task that arrives after stop(), with the prefetched one', async () => {
      const source = new FakeTaskSource();
      const [t1, t2, t3] = [makeTask(), makeTask(), makeTask()];
      source.queueTasks(t1, t2);
      let answer!: () => void;
      source.answerQueue.push(() => new Promise((resolve) => (answer = () => resolve(submitted(t1.assignmentId, t3)))));
      const { session, state } = setup(source);
      await session.start();
      await flush();
      session.select(0);
      const submitting = session.submit();
      await flush();
      session.stop();
      answer();
      await submitting;
      await flush();
      expect(state().kind).toBe('stopped');
      // t1 was being answered, so it is not released; t2 (prefetched) and t3 (returned late) are.
      expect(source.calls.released.map((r) => r.id).sort()).toEqual([t2.assignmentId, t3.assignmentId].sort());
      expect(session.snapshot().submitted).toBe(0);
    });

    it('releases the returned task if the session stops while waiting for the prefetched one', async () => {
      const source = new FakeTaskSource();
      const [t1, t2, t3] = [makeTask(), makeTask(), makeTask()];
      let deliver!: (task: Task) => void;
      source.queueTasks(t1, () => new Promise<Task>((resolve) => (deliver = resolve)));
      source.answerQueue.push(submitted(t1.assignmentId, t3));
      const { session, state } = setup(source);
      await session.start();
      session.select(0);
      const submitting = session.submit();
      await flush();
      expect(state().kind).toBe('loading'); // the answer is in, the prefetch is not
      session.stop();
      deliver(t2);
      await submitting;
      await flush();
      expect(source.calls.released.map((r) => r.id).sort()).toEqual([t2.assignmentId, t3.assignmentId].sort());
      expect(source.calls.next).toHaveLength(2);
    });
  });
});
