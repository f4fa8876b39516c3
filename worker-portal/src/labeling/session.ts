/**
 * The labeling loop, free of DOM: lease a task, pick a label, submit it (idempotently), move on.
 *
 * - One Idempotency-Key per assignment, generated once and reused for every retry of that answer, so a retry after
 *   a lost response can never record two answers. (Each retry may lease another next task on the server; the one
 *   whose response was lost simply expires there.)
 * - Transient failures (no answer, 5xx, 429) are retried a bounded number of times with backoff; after that the
 *   worker sees the error and can press Enter again (same key). A server that answers 503 with Retry-After (its task
 *   pool is being rebuilt, Redis is briefly away) is waited out, as it asks, for up to 30 s, also when taking a task.
 * - While the worker labels the current task the next one is prefetched, so a submit or skip shows the next task
 *   at once. A prefetched task whose lease has nearly run out is released and a fresh one is taken instead.
 * - A submit asks for the next task in the same call (`answer(..., { next: true, jobId })`), so each labeled task
 *   costs one request, not two. If a task was prefetched, that one is shown (as before) and the task that came back
 *   with the answer becomes the new prefetch, instead of a separate nextTask request; without a prefetch (none
 *   taken, nothing was free, it failed or was stale, or `prefetch: false`) the returned task is shown directly. An
 *   answer without a next task (none free, worker no longer eligible) falls back to nextTask exactly as before,
 *   which also explains a refusal.
 * - A 409 on submit means the lease expired: the answer was not recorded, the session moves on and says so.
 * - Skip takes the next task first and then releases the skipped one, so the same item cannot come straight back.
 * - stop() releases every task this session holds but has not answered (the prefetched one too). A task that
 *   arrives after the session stopped or moved on (from nextTask, a prefetch, or with an answer) is released at once.
 */
import { ApiError, describeError } from '@common/lib/http';
import { newUuid } from '../lib/uuid';
import type { AnswerResult, Id, Task, TaskSource } from '../api/worker';

export type SessionState =
  | { kind: 'loading' }
  | { kind: 'task'; task: Task; selected: number | null; submitting: boolean; error: string | null }
  | { kind: 'empty' }
  | { kind: 'failed'; message: string }
  | { kind: 'stopped' };

export interface SessionSnapshot {
  state: SessionState;
  /** A one-off message about what just happened (lease expired, …), or null. */
  notice: string | null;
  /** Answers accepted by the server in this session. */
  submitted: number;
}

export interface SessionOptions {
  jobId?: Id;
  /** Lease the next task while the current one is being labeled (default true). */
  prefetch?: boolean;
  /** Attempts for one answer before giving up and showing the error (default 3). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt (default 400 ms). */
  retryDelayMs?: number;
  /** How long in all to keep retrying a server that answers 503 with Retry-After (default 30 s). */
  maxRetryAfterWaitMs?: number;
  /** A prefetched task with less lease left than this is handed back rather than shown (default 20 s). */
  minLeaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  newKey?: () => string;
}

type Prefetch = { task: Task | null } | { error: unknown };

export const LEASE_EXPIRED_NOTICE =
  'Time ran out on that task, so it went back to the pool and your answer was not recorded. Here is the next one.';

export class LabelingSession {
  private state: SessionState = { kind: 'loading' };
  private notice: string | null = null;
  private submitted = 0;
  private readonly keys = new Map<string, string>();
  private prefetched: Promise<Prefetch> | null = null;
  private stopped = false;
  /** Bumped on every transition that makes in-flight results stale. */
  private epoch = 0;
  private readonly options: Required<Omit<SessionOptions, 'jobId'>> & { jobId: Id | undefined };

  constructor(
    private readonly source: TaskSource,
    private readonly listener: (snapshot: SessionSnapshot) => void,
    options: SessionOptions = {},
  ) {
    this.options = {
      jobId: options.jobId,
      prefetch: options.prefetch ?? true,
      maxAttempts: Math.max(1, options.maxAttempts ?? 3),
      retryDelayMs: options.retryDelayMs ?? 400,
      maxRetryAfterWaitMs: options.maxRetryAfterWaitMs ?? 30_000,
      minLeaseMs: options.minLeaseMs ?? 20_000,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      newKey: options.newKey ?? (() => newUuid()),
    };
  }

  snapshot(): SessionSnapshot {
    return { state: this.state, notice: this.notice, submitted: this.submitted };
  }

  /** Loads a task (first start, or "check again" after an empty or failed state). */
  async start(): Promise<void> {
    if (this.stopped || this.state.kind === 'task') return;
    await this.advance(null, null);
  }

  select(index: number): void {
    const s = this.state;
    if (s.kind !== 'task' || s.submitting) return;
    if (!Number.isInteger(index) || index < 0 || index >= s.task.labels.length) return;
    this.notice = null;
    this.set({ ...s, selected: index, error: null });
  }

  /** Submits the selected label. Resolves once the next task (or an error) is showing. */
  async submit(): Promise<void> {
    const s = this.state;
    if (s.kind !== 'task' || s.submitting) return;
    if (s.selected === null) {
      this.set({ ...s, error: 'Pick a label first (keys 1–9), then press Enter.' });
      return;
    }
    const task = s.task;
    const label = task.labels[s.selected]!;
    const key = this.keyFor(task.assignmentId);
    const epoch = ++this.epoch;
    this.notice = null;
    this.set({ ...s, submitting: true, error: null });
    let result: AnswerResult;
    try {
      result = await this.withRetry(() =>
        this.source.answer(task.assignmentId, label, key, { next: true, jobId: this.options.jobId }),
      );
    } catch (e) {
      if (this.stopped || epoch !== this.epoch) return;
      if (e instanceof ApiError && e.status === 409) {
        this.keys.delete(task.assignmentId);
        await this.advance(conflictNotice(e), null);
        return;
      }
      this.set({ ...s, submitting: false, error: `Your answer was not saved: ${messageOf(e)} Press Enter to try again.` });
      return;
    }
    // The task leased with the answer; the answered lease itself can never be the next one.
    const handed = result.next && result.next.assignmentId !== task.assignmentId ? result.next : null;
    if (this.stopped || epoch !== this.epoch) {
      if (handed) this.releaseQuietly(handed.assignmentId);
      return;
    }
    this.keys.delete(task.assignmentId);
    this.submitted++;
    await this.advance(null, null, handed);
  }

  /** Skips the current task without penalty: it goes back to the pool. */
  async skip(): Promise<void> {
    const s = this.state;
    if (s.kind !== 'task' || s.submitting) return;
    this.keys.delete(s.task.assignmentId);
    this.notice = null;
    await this.advance(null, s.task.assignmentId);
  }

  /** The lease timer of `assignmentId` reached zero. */
  async expire(assignmentId: string): Promise<void> {
    const s = this.state;
    if (s.kind !== 'task' || s.task.assignmentId !== assignmentId || s.submitting) return;
    this.keys.delete(assignmentId);
    await this.advance(LEASE_EXPIRED_NOTICE, null);
  }

  /** Leaves the session, handing back every task taken but not answered. */
  stop(options: { keepalive?: boolean } = {}): void {
    if (this.stopped) return;
    this.stopped = true;
    this.epoch++;
    const s = this.state;
    if (s.kind === 'task' && !s.submitting) this.releaseQuietly(s.task.assignmentId, options.keepalive);
    const pending = this.prefetched;
    this.prefetched = null;
    if (pending) {
      void pending.then((p) => {
        if ('task' in p && p.task) this.releaseQuietly(p.task.assignmentId, options.keepalive);
      });
    }
    this.state = { kind: 'stopped' };
    this.emit();
  }

  /**
   * Shows the next task; `releaseAfter` is handed back once the next task is in hand. `handed` is a task the server
   * already leased to us (with an answer): it is shown if nothing was prefetched, else it becomes the next prefetch.
   */
  private async advance(notice: string | null, releaseAfter: string | null, handed: Task | null = null): Promise<void> {
    const epoch = ++this.epoch;
    this.notice = notice;
    this.set({ kind: 'loading' });
    let next: Task | null;
    let spare: Task | null;
    try {
      ({ next, spare } = await this.takeNext(releaseAfter, handed));
    } catch (e) {
      // takeNext only fails when it asked the server, which it does only without a handed task: nothing to release.
      if (releaseAfter) this.releaseQuietly(releaseAfter);
      if (this.stopped || epoch !== this.epoch) return;
      this.set({ kind: 'failed', message: messageOf(e) });
      return;
    }
    if (releaseAfter) this.releaseQuietly(releaseAfter);
    if (this.stopped || epoch !== this.epoch) {
      if (next) this.releaseQuietly(next.assignmentId);
      if (spare) this.releaseQuietly(spare.assignmentId);
      return;
    }
    if (!next) {
      this.set({ kind: 'empty' });
      return;
    }
    this.set({ kind: 'task', task: next, selected: null, submitting: false, error: null });
    if (spare && !this.prefetched) {
      this.prefetched = Promise.resolve<Prefetch>({ task: spare });
    } else {
      if (spare) this.releaseQuietly(spare.assignmentId);
      this.startPrefetch(next.assignmentId);
    }
  }

  /**
   * The task to show next: the prefetched one if it still has lease enough, else `handed`, else a fresh one from the
   * server. `spare` is a handed task that was not shown (the caller keeps it as the next prefetch, or releases it).
   */
  private async takeNext(exclude: string | null, handed: Task | null): Promise<{ next: Task | null; spare: Task | null }> {
    const pending = this.prefetched;
    this.prefetched = null;
    if (pending) {
      const p = await pending;
      if ('task' in p && p.task) {
        if (this.leaseLeftMs(p.task) >= this.options.minLeaseMs) {
          // The same lease twice is one task: show it once and keep nothing as spare.
          return { next: p.task, spare: handed && handed.assignmentId !== p.task.assignmentId ? handed : null };
        }
        this.releaseQuietly(p.task.assignmentId);
      }
    }
    if (handed) return { next: handed, spare: null };
    const fresh = await this.nextFromServer();
    // A server that hands back the lease we are leaving has nothing else for us right now.
    return { next: fresh && fresh.assignmentId === exclude ? null : fresh, spare: null };
  }

  private startPrefetch(currentId: string): void {
    if (!this.options.prefetch || this.prefetched || this.stopped) return;
    this.prefetched = this.source.nextTask(this.options.jobId).then(
      (task): Prefetch => ({ task: task && task.assignmentId === currentId ? null : task }),
      (error: unknown): Prefetch => ({ error }),
    );
  }

  private leaseLeftMs(task: Task): number {
    const expires = Date.parse(task.leaseExpiresAt);
    return Number.isNaN(expires) ? Number.POSITIVE_INFINITY : expires - this.source.serverNow();
  }

  private keyFor(assignmentId: string): string {
    let key = this.keys.get(assignmentId);
    if (!key) {
      key = this.options.newKey();
      this.keys.set(assignmentId, key);
    }
    return key;
  }

  /**
   * Retries transient failures: `maxAttempts` in all with doubling delays, except that a server that says when to
   * retry (503 with Retry-After, e.g. while it rebuilds its task pool) is waited out for up to `maxRetryAfterWaitMs`
   * in all, each wait at least as long as it asked.
   */
  private async withRetry<T>(call: () => Promise<T>): Promise<T> {
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        const transient = e instanceof ApiError && e.isTransient;
        if (!transient || this.stopped) throw e;
        const backoff = this.options.retryDelayMs * 2 ** Math.min(attempt - 1, 6);
        const asked = e instanceof ApiError ? e.retryAfterMs : null;
        if (asked === null ? attempt >= this.options.maxAttempts : waited + asked > this.options.maxRetryAfterWaitMs) throw e;
        const delay = asked === null ? backoff : Math.max(asked, this.options.retryDelayMs);
        waited += delay;
        await this.options.sleep(delay);
      }
    }
  }

  /** A task from the server, waiting out a server that says when to retry (and only that: other errors show at once). */
  private async nextFromServer(): Promise<Task | null> {
    let waited = 0;
    for (;;) {
      try {
        return await this.source.nextTask(this.options.jobId);
      } catch (e) {
        const asked = e instanceof ApiError && e.isTransient ? e.retryAfterMs : null;
        if (asked === null || this.stopped || waited + asked > this.options.maxRetryAfterWaitMs) throw e;
        const delay = Math.max(asked, this.options.retryDelayMs);
        waited += delay;
        await this.options.sleep(delay);
      }
    }
  }

  private releaseQuietly(assignmentId: string, keepalive = false): void {
    // Best effort: an unreleased lease simply expires on the server.
    this.source.release(assignmentId, { keepalive }).catch(() => undefined);
  }

  private set(state: SessionState): void {
    if (this.stopped) return;
    this.state = state;
    this.emit();
  }

  private emit(): void {
    this.listener(this.snapshot());
  }
}

/** 409 on submit: usually the lease ended (type urn:goldfinch:problem:lease-expired); otherwise say what the server said. */
function conflictNotice(e: ApiError): string {
  const leaseEnded = (e.type ?? '').endsWith('lease-expired') || !e.detail || /lease|expired/i.test(e.detail);
  if (leaseEnded) return LEASE_EXPIRED_NOTICE;
  const said = describeError(e);
  return `${said}${/[.!?]$/.test(said) ? '' : '.'} Here is the next one.`;
}

function messageOf(e: unknown): string {
  const said = describeError(e);
  return /[.!?]$/.test(said) ? said : `${said}.`;
}
