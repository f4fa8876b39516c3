/** The worker's side of the API: eligible jobs, the task lease loop, earnings. */
import type { HttpClient } from '@common/lib/http';

export type Id = number | string;

export interface WorkerJob {
  id: Id;
  title: string;
  instructions: string;
  labels: string[];
  rewardMinor: number;
  openTasks: number;
  /** The job's median seconds per task so far, and the hourly pay it makes; null until enough answers tell. */
  medianSecondsPerTask?: number | null;
  effectiveHourlyMinor?: number | null;
  /** When the job stops handing out tasks, if it has a deadline. */
  deadline?: string | null;
  /** The job's stopping rules: minimum accuracy on checks after some checks, and a speed limit; 0 for none. */
  rules?: { minAccuracy: number; probationGolds: number; minMedianSeconds: number; speedWindow: number };
}

/** A running job the worker answered in that takes no more of his tasks, and why (GET /api/worker/jobs/closed). */
export interface ClosedJob {
  id: Id;
  title: string;
  reason: string;
}

/** One leased task. `data` is the requester's item: untrusted, any JSON object. */
export interface Task {
  assignmentId: string;
  jobId: Id;
  jobTitle: string;
  instructions: string;
  labels: string[];
  data: Record<string, unknown>;
  rewardMinor: number;
  leaseExpiresAt: string;
}

export interface AnswerResult {
  assignmentId: string;
  status: string;
  /**
   * The worker's next task, leased by the same call when it was asked for with `next: true`. Absent (or null) when
   * the server could not lease one (none free, or the worker is no longer eligible): ask `nextTask` then, which
   * says why. A malformed task from the server is treated as absent.
   */
  next?: Task | null;
}

export interface AnswerOptions {
  /** Also lease the next task in the same call (`?next=true`). */
  next?: boolean;
  /** With `next`: lease the next task from this job only. */
  jobId?: Id;
}

export interface Earnings {
  pendingMinor: number;
  balanceMinor: number;
  goldAnswered: number;
  goldCorrect: number;
  accuracyEstimate: number | null;
}

/** What the labeling session needs from the server; a fake implements it in tests. */
export interface TaskSource {
  nextTask(jobId?: Id): Promise<Task | null>;
  answer(assignmentId: string, label: string, idempotencyKey: string, options?: AnswerOptions): Promise<AnswerResult>;
  release(assignmentId: string, options?: { keepalive?: boolean }): Promise<void>;
  /** Epoch ms on the server's clock, for lease countdowns. */
  serverNow(): number;
}

export class WorkerApi implements TaskSource {
  constructor(private readonly http: HttpClient) {}

  async jobs(): Promise<WorkerJob[]> {
    const res = await this.http.request<WorkerJob[]>('/api/worker/jobs');
    return Array.isArray(res.body) ? res.body : [];
  }

  async closedJobs(): Promise<ClosedJob[]> {
    const res = await this.http.request<ClosedJob[]>('/api/worker/jobs/closed');
    return Array.isArray(res.body) ? res.body : [];
  }

  /** The next task, or null when the server has nothing right now (204). */
  async nextTask(jobId?: Id): Promise<Task | null> {
    const res = await this.http.request<unknown>('/api/worker/tasks/next', {
      method: 'POST',
      query: jobId === undefined ? undefined : { jobId: String(jobId) },
    });
    if (res.status === 204 || res.body === null) return null;
    return normaliseTask(res.body);
  }

  /**
   * Sends an answer. With `next: true` the same call leases the worker's next task (from `jobId` if given) and
   * returns it as `next`; the server only accepts `jobId` together with `next`, so it is sent only then.
   */
  async answer(
    assignmentId: string,
    label: string,
    idempotencyKey: string,
    options: AnswerOptions = {},
  ): Promise<AnswerResult> {
    const withNext = options.next === true;
    const res = await this.http.request<unknown>(`/api/worker/tasks/${encodeURIComponent(assignmentId)}/answer`, {
      method: 'POST',
      body: { label },
      headers: { 'Idempotency-Key': idempotencyKey },
      query: withNext
        ? { next: 'true', jobId: options.jobId === undefined ? undefined : String(options.jobId) }
        : undefined,
    });
    return normaliseAnswer(res.body, assignmentId);
  }

  async release(assignmentId: string, options: { keepalive?: boolean } = {}): Promise<void> {
    await this.http.request<void>(`/api/worker/tasks/${encodeURIComponent(assignmentId)}/release`, {
      method: 'POST',
      keepalive: options.keepalive ?? false,
    });
  }

  /** The worker's rejections, current and reversed, newest first. */
  async rejections(): Promise<Rejection[]> {
    const res = await this.http.request<Rejection[]>('/api/worker/rejections');
    return Array.isArray(res.body) ? res.body : [];
  }

  /** Appeals a rejection; a quality manager decides it. */
  async appeal(assignmentId: string, message: string): Promise<{ appealId: string; status: string }> {
    const res = await this.http.request<{ appealId: string; status: string }>(`/api/worker/assignments/${encodeURIComponent(assignmentId)}/appeal`, {
      method: 'POST',
      body: { message },
    });
    if (!res.body) throw new Error('The server sent no appeal.');
    return res.body;
  }

  async earnings(): Promise<Earnings> {
    const res = await this.http.request<Earnings>('/api/worker/earnings');
    if (!res.body) throw new Error('The server sent no earnings.');
    return res.body;
  }

  serverNow(): number {
    return this.http.serverNow();
  }
}

/** A rejection of one of the worker's answers, with the evidence a worker may see (GET /api/worker/rejections). */
export interface Rejection {
  assignmentId: string;
  job: string;
  yourLabel: string;
  submittedAt: string;
  reviewedAt: string | null;
  reason: string;
  evidence: 'FAILED_GOLDS' | 'POSTERIOR' | (string & {});
  failedGolds: number | null;
  crowdConfidence: number | null;
  status: 'REJECTED' | 'ACCEPTED' | (string & {});
  appealStatus: 'PENDING' | 'UPHELD' | 'REVERSED' | null | (string & {});
  appealNote: string | null;
  rewardMinor: number;
}

/** The answer result with `next` checked: a task that fails normaliseTask counts as no task. */
export function normaliseAnswer(raw: unknown, assignmentId: string): AnswerResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { assignmentId, status: 'SUBMITTED' };
  const { next: rawNext, ...rest } = raw as Record<string, unknown>;
  const result: AnswerResult = {
    ...rest,
    assignmentId: typeof rest.assignmentId === 'string' ? rest.assignmentId : assignmentId,
    status: typeof rest.status === 'string' ? rest.status : 'SUBMITTED',
  };
  if (rawNext !== undefined && rawNext !== null) {
    try {
      result.next = normaliseTask(rawNext);
    } catch {
      // Without an assignment id there is nothing to show or release: the lease, if any, expires on the server.
    }
  }
  return result;
}

/** Checks the shape the view relies on, so odd server data shows an error instead of a broken page. */
export function normaliseTask(raw: unknown): Task {
  if (typeof raw !== 'object' || raw === null) throw new Error('The server sent a malformed task.');
  const t = raw as Record<string, unknown>;
  if (typeof t.assignmentId !== 'string' || t.assignmentId === '') {
    throw new Error('The server sent a task without an assignment id.');
  }
  const labels = Array.isArray(t.labels) ? t.labels.filter((l): l is string => typeof l === 'string') : [];
  const data =
    typeof t.data === 'object' && t.data !== null && !Array.isArray(t.data)
      ? (t.data as Record<string, unknown>)
      : { value: t.data };
  return {
    assignmentId: t.assignmentId,
    jobId: typeof t.jobId === 'number' || typeof t.jobId === 'string' ? t.jobId : '',
    jobTitle: typeof t.jobTitle === 'string' ? t.jobTitle : '',
    instructions: typeof t.instructions === 'string' ? t.instructions : '',
    labels,
    data,
    rewardMinor: typeof t.rewardMinor === 'number' ? t.rewardMinor : Number.NaN,
    leaseExpiresAt: typeof t.leaseExpiresAt === 'string' ? t.leaseExpiresAt : '',
  };
}
