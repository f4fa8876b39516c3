/** The requester's side of the API: account balance, jobs, progress and result exports. */
import { problemFromResponse, type HttpClient } from '@common/lib/http';

export type Id = number | string;

export interface Account {
  availableMinor: number;
  reservedMinor: number;
  spentMinor: number;
  currency: string;
}

export type JobStatus = 'DRAFT' | 'PUBLISHED' | 'PAUSED' | 'COMPLETED' | 'CANCELLED' | 'EXPIRED' | (string & {});

export interface Job {
  id: Id;
  title: string;
  /** Whose job it is (the quality console's list only). */
  requesterEmail?: string;
  status: JobStatus;
  /** Why a paused job is paused: its owner paused it, or its escrow ran short (a top-up resumes it). */
  pauseReason?: 'OWNER' | 'FUNDS' | null;
  cancelledAt?: string | null;
  /** When a running job ends (EXPIRED) if it has not completed; null for none. */
  deadline?: string | null;
  rewardMinor: number;
  overlapMin: number;
  overlapMax: number;
  /** Share of tasks that are gold, in [0, 1). */
  goldRate: number;
  itemCount: number;
  goldCount: number;
  createdAt: string;
  instructions?: string;
  minAccuracy?: number;
  confidenceTarget?: number;
  requiredSkills?: string[];
  maxTasksPerWorker?: number | null;
  maxTasksPerWorkerPerDay?: number | null;
  priority?: number;
  hourlyFloorMinor?: number | null;
  /** Golds before minAccuracy applies (default 5). */
  probationGolds?: number;
  /** A worker whose median seconds per task over his last speedWindow answers is below this is stopped; 0: none. */
  minMedianSeconds?: number;
  speedWindow?: number;
  /**
   * What a right label is worth (minor units); null: not said. Where set, an item stops taking answers once more are
   * expected to add less accuracy than they cost; the confidence target still applies.
   */
  labelValueMinor?: number | null;
  /** Whether the online confidence compared with the target is calibrated on the job's golds (default true). */
  calibrateConfidence?: boolean;
  /** The inverse temperature it is calibrated with (below 1: answers count for less); absent until 20 golds are answered. */
  confidenceBeta?: number | null;
}

/** What PATCH /api/jobs/{id} may change; a field left out stays. Caps and the floor take 0 for none. */
export interface JobSettings {
  title?: string;
  instructions?: string;
  goldRate?: number;
  minAccuracy?: number;
  confidenceTarget?: number;
  requiredSkills?: string[];
  maxTasksPerWorker?: number;
  maxTasksPerWorkerPerDay?: number;
  priority?: number;
  hourlyFloorMinor?: number;
  /** A new deadline, in the future (ISO 8601). */
  deadline?: string;
  probationGolds?: number;
  /** 0: no speed limit. */
  minMedianSeconds?: number;
  speedWindow?: number;
  /** 0: none. */
  labelValueMinor?: number;
  calibrateConfidence?: boolean;
  note?: string;
}

export interface JobProgress {
  itemsTotal: number;
  itemsDone: number;
  answers: number;
  goldAnswers: number;
  goldCorrect: number;
  costSoFarMinor: number;
  reservedMinor: number;
  /** The job's status now (fresher than the jobs list). */
  status?: JobStatus;
  /** The server's projection of the job's total cost: paid, in flight, and what its open items are expected to buy. */
  projectedCostMinor?: number;
  /** Answers bought per finished item. */
  answersPerClosedItem?: number | null;
}

/**
 * The confidence target checked on golds (GET /api/jobs/{id}/confidence-check): each gold replayed as a normal item;
 * of those that would have closed at the target, how many were right, with a 90% interval. Shares are null when there
 * is nothing to measure them on.
 */
export interface ConfidenceCheck {
  jobId: Id;
  confidenceTarget: number;
  overlapMin: number;
  overlapMax: number;
  golds: number;
  closedAtTarget: number;
  rightAtTarget: number;
  statedAtTarget: number | null;
  accuracyAtTarget: number | null;
  accuracyLow: number | null;
  accuracyHigh: number | null;
  belowTarget: boolean;
  closedAtMax: number;
  rightAtMax: number;
  stillOpen: number;
  answersPerClosed: number | null;
  /** The same golds replayed at other targets (and the job's), lowest first. */
  targets?: ConfidenceAtTarget[];
  /** The job's label value, when set: its value rule closes golds too, below the target and the maximum. */
  labelValueMinor?: number | null;
  closedByValue?: number;
  rightByValue?: number;
  /** The same golds at the job's target under label values of 2 to 100 answers' cost (and the job's own), lowest first. */
  values?: ConfidenceAtValue[];
  /** Whether the replay, as the engine, calibrates confidence on golds, and with which inverse temperature (null: not fitted). */
  calibrateConfidence?: boolean;
  confidenceBeta?: number | null;
  /** Where calibrated: the job's target replayed on the same golds without the calibration. */
  uncalibrated?: ConfidenceAtTarget | null;
}

export interface ConfidenceAtValue {
  labelValueMinor: number;
  /** The value in answers' cost (reward and fee). */
  answersWorth: number;
  /** Golds that would have closed (by any rule) and the share of them right. */
  closed: number;
  accuracy: number | null;
  /** Of those, closed by the value rule below the target and the maximum. */
  closedByValue: number;
  answersPerClosed: number | null;
}

export interface ConfidenceAtTarget {
  target: number;
  /** Golds that would have closed (at the target or at the maximum answers) and the share of them right. */
  closed: number;
  accuracy: number | null;
  closedAtTarget: number;
  accuracyAtTarget: number | null;
  answersPerClosed: number | null;
}

/** Agreement among the workers on a job's items so far (GET /api/jobs/{id}/agreement). */
export interface JobAgreement {
  jobId: Id;
  krippendorffAlpha: number | null;
  fleissKappa: number | null;
  itemsUsed: number;
}

export type GoldFlag = 'OK' | 'PROBABLY_WRONG' | 'AMBIGUOUS' | 'TOO_FEW_ANSWERS' | (string & {});

/** One gold's statistics and the crowd's view of it (GET /api/jobs/{id}/golds/health). */
export interface GoldStats {
  item: string;
  goldLabel: string;
  shown: number;
  answered: number;
  correct: number;
  shareCorrect: number | null;
  /** The label the crowd gives this gold, weighing each answer by the worker's gold record; null before any answer. */
  crowdLabel: string | null;
  crowdConfidence: number | null;
  crowdAnswers: number;
  flag: GoldFlag;
  hint?: string | null;
  /** When the gold was taken out of service; absent while it is served. */
  retiredAt?: string | null;
  /** When its answers stopped counting (a voided gold stays retired). */
  voidedAt?: string | null;
}

export interface GoldHealthReport {
  jobId: Id;
  wrongConfidence: number;
  ambiguousShare: number;
  minAnswers: number;
  probablyWrong: number;
  ambiguous: number;
  /** Golds in service (not retired). */
  inService?: number;
  golds: GoldStats[];
}

/** A gold's service state after retiring or restoring it (POST /api/jobs/{id}/golds/retire|restore). */
export interface GoldState {
  item: string;
  retired: boolean;
  retiredAt?: string | null;
  voidedAt?: string | null;
  goldsInService: number;
  answersVoided?: number;
  workersRescored?: number;
  rejectionsReversed?: number;
  paidMinor?: number;
}

/** A gold set shared across jobs (GET /api/gold-sets). */
export interface GoldSet {
  id: Id;
  name: string;
  labels: string[];
  ownerId: Id;
  createdAt: string;
  golds: number;
  inService: number;
  jobs: number;
}

/** A set gold with its statistics summed over the jobs that have it. */
export interface SetGold {
  item: string;
  data: Record<string, unknown>;
  label: string;
  hint?: string | null;
  retiredAt?: string | null;
  voidedAt?: string | null;
  jobs: number;
  shown: number;
  answered: number;
  correct: number;
  shareCorrect?: number | null;
}

export interface GoldSetDetail {
  set: GoldSet;
  golds: SetGold[];
}

/** What an upload stored and refused, per line. */
export interface UploadReport {
  rows: number;
  accepted: number;
  rejected: number;
  errors: { line: number; message: string }[];
  errorsTruncated: boolean;
}

/** What adding a set to a job did. */
export interface SetAdded {
  setId: Id;
  jobId: Id;
  added: number;
  alreadyInJob: number;
  retiredLeftOut: number;
  goldsInService: number;
}

export interface SetGoldState {
  item: string;
  retired: boolean;
  retiredAt?: string | null;
  voidedAt?: string | null;
  jobsChanged: number;
  answersVoided?: number;
  rejectionsReversed?: number;
  paidMinor?: number;
}

export type ResultFormat = 'csv' | 'jsonl';

/** One immutable dataset version of a job's labels (POST/GET /api/jobs/{id}/snapshots). */
export interface Snapshot {
  jobId: Id;
  version: number;
  createdAt: string;
  createdBy: Id;
  method: string;
  model: string;
  iterations: number;
  answers: number;
  lastAnswerAt: string | null;
  items: number;
  goldItems: number;
  workers: number;
  krippendorffAlpha: number | null;
  fleissKappa: number | null;
  contentSha256: string;
}

/** An item the crowd left uncertain (GET /api/jobs/{id}/adjudication). */
export interface QueueItem {
  item: string;
  data: Record<string, unknown>;
  crowdLabel: string | null;
  crowdConfidence: number;
  answers: number;
  votes: Record<string, number>;
  closedAt: string;
}

export interface AdjudicationQueue {
  jobId: Id;
  labels: string[];
  confidenceTarget: number;
  pending: number;
  items: QueueItem[];
}

/** An expert's label for an item (POST /api/jobs/{id}/adjudication). */
export interface Adjudication {
  item: string;
  label: string;
  note: string | null;
  adjudicatedBy: Id;
  adjudicatedAt: string;
  crowdLabel: string | null;
  crowdConfidence: number | null;
}

/** A webhook endpoint (GET /api/webhooks); {@code secret} only in the answer to its creation. */
export interface WebhookEndpoint {
  id: Id;
  url: string;
  events: string[];
  active: boolean;
  createdAt: string;
  secret?: string;
}

/** One event sent (or to be sent) to an endpoint. */
export interface WebhookDelivery {
  id: Id;
  eventId: Id;
  type: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED' | (string & {});
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** One worker of a job with risk flags (GET /api/jobs/{id}/workers). */
export interface WorkerQuality {
  worker: Id;
  answers: number;
  goldAnswered: number;
  goldCorrect: number;
  goldAccuracy: number | null;
  goldAccuracyLow: number | null;
  goldAccuracyHigh: number | null;
  medianSeconds: number | null;
  crowdAgreement: number | null;
  topLabelShare: number;
  flags: string[];
  /** Blocked from every job (quality managers block and unblock in the console). */
  blocked?: boolean;
  /** The worker's skills, which jobs may require (quality managers set them in the console). */
  skills?: string[];
}

/** A dataset version's worker models (GET /api/jobs/{id}/snapshots/{v}/workers): rows are the true label, columns the answer. */
export interface SnapshotWorkers {
  version: number;
  model: string;
  labels: string[];
  workers: { worker: Id; answers: number; confusion: number[][] }[];
}

export interface WorkersReport {
  jobId: Id;
  jobMedianSeconds: number;
  jobTopLabelShare: number;
  minAccuracy: number;
  workers: WorkerQuality[];
  suspiciousPairs: { workerA: Id; workerB: Id; shared: number; agreement: number; expected: number }[];
}

/** A job's drift (GET /api/jobs/{id}/drift). */
export interface DriftReport {
  jobId: Id;
  bucket: 'hour' | 'day' | (string & {});
  labels: string[];
  buckets: { start: string; answers: number; goldAnswers: number; goldCorrect: number; goldAccuracy: number | null; labels: Record<string, number> }[];
}

/** The outcome of a gold correction. */
export interface GoldCorrection {
  item: string;
  oldLabel: string;
  newLabel: string;
  answersRescored: number;
  workersRescored: number;
  rejectionsReversed: number;
  paidMinor: number;
}

/** What a quality rule would have done on a job's past answers (POST /api/jobs/{id}/what-if). */
export interface WhatIfReport {
  jobId: Id;
  minAccuracy: number;
  probationGolds: number;
  minMedianSeconds: number;
  speedWindow: number;
  answers: number;
  answersRemoved: number;
  goldAnswersRemoved: number;
  costSavedMinor: number;
  stopped: { worker: Id; reason: string; stoppedAt: string; goldAnswered: number; goldCorrect: number; goldAccuracy: number; medianSeconds: number; answersRemoved: number }[];
  itemsCompared: number;
  labelsChanged: number;
  itemsLeftWithoutAnswers: number;
  examples: { item: string; before: string; after: string | null }[];
}

export type SnapshotFormat = 'csv' | 'jsonl' | 'label-studio';

export const SNAPSHOT_FORMATS: readonly SnapshotFormat[] = ['csv', 'jsonl', 'label-studio'];

export const RESULT_FORMATS: readonly ResultFormat[] = ['csv', 'jsonl'];

/** A held rejection or an appeal waiting for a quality manager, with the answer it is about. */
export interface PendingDecision {
  id: string;
  assignmentId: string;
  /** The requester's reason (rejections) or the worker's message (appeals). */
  text: string;
  /** The evidence as stored JSON. */
  evidence: string | null;
  createdAt: string;
  jobId: Id;
  workerId: Id;
  label: string | null;
  item: string;
}

/** A recorded change to a job (GET /api/jobs/{id}/changes): each changed field's value before and after. */
export interface JobChange {
  id: number;
  /** Null for a change the system made (a deadline reached). */
  actorId: Id | null;
  actorEmail: string | null;
  changedAt: string;
  action: 'PAUSE' | 'RESUME' | 'CANCEL' | 'SETTINGS' | 'EXPIRE' | (string & {});
  changes: Record<string, [unknown, unknown]>;
  note?: string | null;
}

/** An answer open to review with evidence against it (GET /api/jobs/{id}/review). */
export interface ReviewCandidate {
  assignmentId: string;
  item: string;
  worker: Id;
  label: string;
  submittedAt: string;
  windowClosesAt: string;
  crowdLabel?: string | null;
  crowdConfidence?: number | null;
  goldAnswered: number;
  goldFailed: number;
  evidence: ('POSTERIOR' | 'FAILED_GOLDS')[];
}

export interface ReviewQueue {
  jobId: Id;
  posteriorThreshold: number;
  total: number;
  answers: ReviewCandidate[];
}

/** What a new job needs (POST /api/jobs); money in minor units. */
export interface JobSpec {
  title: string;
  instructions: string;
  labels: string[];
  rewardMinor: number;
  overlapMin: number;
  overlapMax: number;
  goldRate: number;
  reviewWindowHours: number;
  aggregationMethod?: 'auto' | 'mv' | 'one-coin' | 'ds';
  confidenceTarget?: number;
  minAccuracy?: number;
  /** When the job ends if not completed (ISO 8601, in the future). */
  deadline?: string;
  /** What a right label is worth (minor units, at least 1): the value rule of dynamic overlap. */
  labelValueMinor?: number;
}

/** What publishing will reserve (GET /api/jobs/{id}/quote). */
export interface Quote {
  normalTasks: number;
  goldTasks: number;
  rewardPerTaskMinor: number;
  feePerTaskMinor: number;
  rewardsMinor: number;
  feesMinor: number;
  totalMinor: number;
}

export interface ApiKeyView {
  id: Id;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt?: string | null;
}

/** A new API key: {@link key} is shown only once. */
export interface IssuedKey {
  id: Id;
  name: string;
  prefix: string;
  key: string;
}

/**
 * Sends a file to the server with upload progress (fetch reports none), resolving to the parsed JSON answer; a
 * non-2xx answer rejects with the server's problem (ApiError).
 */
export type Uploader = (path: string, file: Blob, contentType: string, onProgress: (share: number) => void) => Promise<unknown>;

export const xhrUploader: Uploader = (path, file, contentType, onProgress) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(xhr.responseText ? JSON.parse(xhr.responseText) : null);
        } catch {
          reject(new Error('The server sent an answer that is not JSON.'));
        }
      } else {
        reject(problemFromResponse(xhr.status, xhr.statusText, xhr.responseText));
      }
    };
    xhr.onerror = () => reject(new Error('The upload did not reach the server. Check the connection and try again.'));
    xhr.send(file);
  });

/** The media type of an items or golds file, from its name: .jsonl/.ndjson are JSON lines, anything else CSV. */
export function uploadContentType(fileName: string): string {
  return /\.(jsonl|ndjson)$/i.test(fileName) ? 'application/x-ndjson' : 'text/csv';
}

export class RequesterApi {
  constructor(
    private readonly http: HttpClient,
    private readonly uploader: Uploader = xhrUploader,
  ) {}

  async reviewQueue(jobId: Id, limit = 50): Promise<ReviewQueue> {
    const res = await this.http.request<ReviewQueue>(`/api/jobs/${encodeURIComponent(String(jobId))}/review?limit=${limit}`);
    if (!res.body || !Array.isArray(res.body.answers)) throw new Error('The server sent no review queue.');
    return res.body;
  }

  /** Rejects an answer citing evidence the server checks; a rejection over the cap on one worker waits for a quality manager. */
  async reject(assignmentId: string, reason: string, evidence: 'POSTERIOR' | 'FAILED_GOLDS'): Promise<{ status: string }> {
    const res = await this.http.request<{ status: string }>(`/api/assignments/${encodeURIComponent(assignmentId)}/reject`, {
      method: 'POST',
      body: { reason, evidence },
    });
    if (!res.body) throw new Error('The server sent no review.');
    return res.body;
  }

  /** Every requester's jobs, for the quality console (quality managers and admins). */
  async qmJobs(): Promise<Job[]> {
    const res = await this.http.request<{ job: Job; requesterId: Id; requesterEmail: string }[]>('/api/qm/jobs');
    return Array.isArray(res.body) ? res.body.map((o) => ({ ...o.job, requesterEmail: o.requesterEmail })) : [];
  }

  async pendingAppeals(): Promise<PendingDecision[]> {
    const res = await this.http.request<PendingDecision[]>('/api/qm/appeals');
    return Array.isArray(res.body) ? res.body : [];
  }

  async pendingRejections(): Promise<PendingDecision[]> {
    const res = await this.http.request<PendingDecision[]>('/api/qm/rejections');
    return Array.isArray(res.body) ? res.body : [];
  }

  /** Decides an appeal (reverse = the worker is right: accepted and paid) or a held rejection (approve = rejected). */
  async decide(kind: 'appeals' | 'rejections', id: string, verdict: 'uphold' | 'reverse' | 'approve' | 'deny', note?: string): Promise<{ status: string }> {
    const res = await this.http.request<{ status: string }>(`/api/qm/${kind}/${encodeURIComponent(id)}/${verdict}`, {
      method: 'POST',
      body: kind === 'appeals' ? { note: note ?? null } : {},
    });
    if (!res.body) throw new Error('The server sent no decision.');
    return res.body;
  }

  /** Blocks a worker from every job (true) or lets him work again. */
  async setSkills(userId: Id, skills: string[]): Promise<string[]> {
    const res = await this.http.request<{ skills: string[] }>(`/api/admin/users/${encodeURIComponent(String(userId))}/skills`, { method: 'PUT', body: { skills } });
    return Array.isArray(res.body?.skills) ? res.body.skills : skills;
  }

  async snapshotWorkers(jobId: Id, version: number): Promise<SnapshotWorkers> {
    const res = await this.http.request<SnapshotWorkers>(`/api/jobs/${encodeURIComponent(String(jobId))}/snapshots/${version}/workers`);
    if (!res.body || !Array.isArray(res.body.workers)) throw new Error('The server sent no worker models.');
    return res.body;
  }

  async setBlocked(userId: Id, blocked: boolean): Promise<void> {
    await this.http.request(`/api/admin/users/${encodeURIComponent(String(userId))}/blocked`, { method: 'PUT', body: { blocked } });
  }

  async createJob(spec: JobSpec): Promise<Job> {
    const res = await this.http.request<Job>('/api/jobs', { method: 'POST', body: spec });
    if (!res.body) throw new Error('The server sent no job.');
    return res.body;
  }

  /** A new draft with a job's settings (not its deadline) and, unless {@code golds} is false, its golds in service. */
  async duplicateJob(jobId: Id, options: { title?: string; golds?: boolean } = {}): Promise<Job> {
    const res = await this.http.request<Job>(`/api/jobs/${encodeURIComponent(String(jobId))}/duplicate`, { method: 'POST', body: options });
    if (!res.body) throw new Error('The server sent no job.');
    return res.body;
  }

  /** Uploads a CSV or JSONL file of items (or golds) to a job, reporting the upload's progress in [0, 1]. */
  async uploadToJob(jobId: Id, kind: 'items' | 'golds', file: File, onProgress: (share: number) => void = () => {}): Promise<UploadReport> {
    const report = (await this.uploader(`/api/jobs/${encodeURIComponent(String(jobId))}/${kind}`, file, uploadContentType(file.name), onProgress)) as UploadReport | null;
    if (!report || typeof report.accepted !== 'number') throw new Error('The server sent no upload report.');
    return report;
  }

  async quote(jobId: Id): Promise<Quote> {
    const res = await this.http.request<Quote>(`/api/jobs/${encodeURIComponent(String(jobId))}/quote`);
    if (!res.body) throw new Error('The server sent no quote.');
    return res.body;
  }

  async publish(jobId: Id): Promise<Job> {
    const res = await this.http.request<Job>(`/api/jobs/${encodeURIComponent(String(jobId))}/publish`, { method: 'POST', body: {} });
    if (!res.body) throw new Error('The server sent no job.');
    return res.body;
  }

  /** Moves money from the balance to the job's escrow; {@code reference} makes a retried request count once. */
  async topUp(jobId: Id, amountMinor: number, reference: string): Promise<Job> {
    const res = await this.http.request<Job>(`/api/jobs/${encodeURIComponent(String(jobId))}/top-up`, {
      method: 'POST',
      body: { amountMinor, reference },
    });
    if (!res.body) throw new Error('The server sent no job.');
    return res.body;
  }

  /** Pauses, resumes or cancels the job; {@code note} goes into its change history. */
  async lifecycle(jobId: Id, action: 'pause' | 'resume' | 'cancel', note?: string): Promise<Job> {
    const res = await this.http.request<Job>(`/api/jobs/${encodeURIComponent(String(jobId))}/${action}`, {
      method: 'POST',
      body: note ? { note } : {},
    });
    if (!res.body) throw new Error('The server sent no job.');
    return res.body;
  }

  async updateJob(jobId: Id, settings: JobSettings): Promise<Job> {
    const res = await this.http.request<Job>(`/api/jobs/${encodeURIComponent(String(jobId))}`, { method: 'PATCH', body: settings });
    if (!res.body) throw new Error('The server sent no job.');
    return res.body;
  }

  async agreement(jobId: Id): Promise<JobAgreement> {
    const res = await this.http.request<JobAgreement>(`/api/jobs/${encodeURIComponent(String(jobId))}/agreement`);
    if (!res.body) throw new Error('The server sent no agreement.');
    return res.body;
  }

  async confidenceCheck(jobId: Id): Promise<ConfidenceCheck> {
    const res = await this.http.request<ConfidenceCheck>(`/api/jobs/${encodeURIComponent(String(jobId))}/confidence-check`);
    if (!res.body) throw new Error('The server sent no confidence check.');
    return res.body;
  }

  async jobChanges(jobId: Id): Promise<JobChange[]> {
    const res = await this.http.request<JobChange[]>(`/api/jobs/${encodeURIComponent(String(jobId))}/changes`);
    if (!Array.isArray(res.body)) throw new Error('The server sent no changes.');
    return res.body;
  }

  /** Starts a Stripe Checkout top-up of the balance; the answer holds the page to send the requester to. */
  async checkout(amountMinor: number): Promise<{ checkoutId: string; checkoutUrl: string }> {
    const res = await this.http.request<{ checkoutId: string; checkoutUrl: string }>('/api/account/checkout', { method: 'POST', body: { amountMinor } });
    if (!res.body?.checkoutUrl) throw new Error('The server sent no checkout page.');
    return res.body;
  }

  async apiKeys(): Promise<ApiKeyView[]> {
    const res = await this.http.request<ApiKeyView[]>('/api/api-keys');
    return Array.isArray(res.body) ? res.body : [];
  }

  async createApiKey(name: string): Promise<IssuedKey> {
    const res = await this.http.request<IssuedKey>('/api/api-keys', { method: 'POST', body: { name } });
    if (!res.body?.key) throw new Error('The server sent no key.');
    return res.body;
  }

  async revokeApiKey(id: Id): Promise<void> {
    await this.http.request(`/api/api-keys/${encodeURIComponent(String(id))}`, { method: 'DELETE' });
  }

  async account(): Promise<Account> {
    const res = await this.http.request<Account>('/api/account');
    if (!res.body) throw new Error('The server sent no account.');
    return res.body;
  }

  async jobs(): Promise<Job[]> {
    const res = await this.http.request<Job[]>('/api/jobs');
    return Array.isArray(res.body) ? res.body : [];
  }

  async progress(jobId: Id): Promise<JobProgress> {
    const res = await this.http.request<JobProgress>(`/api/jobs/${encodeURIComponent(String(jobId))}/progress`);
    if (!res.body) throw new Error('The server sent no progress.');
    return res.body;
  }

  async goldHealth(jobId: Id): Promise<GoldHealthReport> {
    const res = await this.http.request<GoldHealthReport>(`/api/jobs/${encodeURIComponent(String(jobId))}/golds/health`);
    if (!res.body || !Array.isArray(res.body.golds)) throw new Error('The server sent no gold statistics.');
    return res.body;
  }

  /** Items waiting for an expert, least confident first. */
  async adjudicationQueue(jobId: Id, limit = 20): Promise<AdjudicationQueue> {
    const res = await this.http.request<AdjudicationQueue>(`/api/jobs/${encodeURIComponent(String(jobId))}/adjudication?limit=${limit}`);
    if (!res.body || !Array.isArray(res.body.items)) throw new Error('The server sent no adjudication queue.');
    return res.body;
  }

  /** Sets an item's label; it replaces the crowd's in results and new dataset versions. */
  async adjudicate(jobId: Id, item: string, label: string, note?: string): Promise<Adjudication> {
    const res = await this.http.request<Adjudication>(
      `/api/jobs/${encodeURIComponent(String(jobId))}/adjudication`,
      { method: 'POST', body: note ? { item, label, note } : { item, label } },
    );
    if (!res.body) throw new Error('The server sent no decision.');
    return res.body;
  }

  async webhooks(): Promise<WebhookEndpoint[]> {
    const res = await this.http.request<WebhookEndpoint[]>('/api/webhooks');
    return Array.isArray(res.body) ? res.body : [];
  }

  /** Registers an endpoint for every event type; the answer carries its signing secret, shown only this once. */
  async createWebhook(url: string): Promise<WebhookEndpoint> {
    const res = await this.http.request<WebhookEndpoint>('/api/webhooks', { method: 'POST', body: { url } });
    if (!res.body || typeof res.body.secret !== 'string') throw new Error('The server sent no endpoint.');
    return res.body;
  }

  async removeWebhook(id: Id): Promise<void> {
    await this.http.request<void>(`/api/webhooks/${encodeURIComponent(String(id))}`, { method: 'DELETE' });
  }

  async pingWebhook(id: Id): Promise<void> {
    await this.http.request<void>(`/api/webhooks/${encodeURIComponent(String(id))}/ping`, { method: 'POST' });
  }

  async webhookDeliveries(id: Id): Promise<WebhookDelivery[]> {
    const res = await this.http.request<WebhookDelivery[]>(`/api/webhooks/${encodeURIComponent(String(id))}/deliveries`);
    return Array.isArray(res.body) ? res.body : [];
  }

  async replayDelivery(id: Id): Promise<WebhookDelivery> {
    const res = await this.http.request<WebhookDelivery>(`/api/webhooks/deliveries/${encodeURIComponent(String(id))}/replay`, { method: 'POST' });
    if (!res.body) throw new Error('The server sent no delivery.');
    return res.body;
  }

  /** The job's workers, flagged first, and the pairs who agree suspiciously often. */
  async workers(jobId: Id): Promise<WorkersReport> {
    const res = await this.http.request<WorkersReport>(`/api/jobs/${encodeURIComponent(String(jobId))}/workers`);
    if (!res.body || !Array.isArray(res.body.workers)) throw new Error('The server sent no workers report.');
    return res.body;
  }

  /** Corrects a gold's key: its answers are re-scored and the rejections the wrong key caused are reversed and paid. */
  async correctGold(jobId: Id, item: string, label: string): Promise<GoldCorrection> {
    const res = await this.http.request<GoldCorrection>(`/api/jobs/${encodeURIComponent(String(jobId))}/golds/corrections`, {
      method: 'POST',
      body: { item, label },
    });
    if (!res.body) throw new Error('The server sent no correction.');
    return res.body;
  }

  /** Takes a gold out of service (retire = true; with voidAnswers its answers stop counting too) or puts it back. */
  async setGoldInService(jobId: Id, item: string, retire: boolean, voidAnswers = false): Promise<GoldState> {
    const res = await this.http.request<GoldState>(`/api/jobs/${encodeURIComponent(String(jobId))}/golds/${retire ? 'retire' : 'restore'}`, {
      method: 'POST',
      body: retire && voidAnswers ? { item, voidAnswers: true } : { item },
    });
    if (!res.body) throw new Error('The server sent no gold state.');
    return res.body;
  }

  async goldSets(): Promise<GoldSet[]> {
    const res = await this.http.request<GoldSet[]>('/api/gold-sets');
    return Array.isArray(res.body) ? res.body : [];
  }

  async createGoldSet(name: string, labels: string[]): Promise<GoldSet> {
    const res = await this.http.request<GoldSet>('/api/gold-sets', { method: 'POST', body: { name, labels } });
    if (!res.body) throw new Error('The server sent no gold set.');
    return res.body;
  }

  async goldSet(setId: Id): Promise<GoldSetDetail> {
    const res = await this.http.request<GoldSetDetail>(`/api/gold-sets/${encodeURIComponent(String(setId))}`);
    if (!res.body || !Array.isArray(res.body.golds)) throw new Error('The server sent no gold set.');
    return res.body;
  }

  /** Adds golds to a set from CSV (header row: id, label, optional hint; other columns are the data). */
  async uploadSetGolds(setId: Id, csv: string): Promise<UploadReport> {
    const res = await this.http.request<UploadReport>(`/api/gold-sets/${encodeURIComponent(String(setId))}/golds`, {
      method: 'POST',
      text: { content: csv, contentType: 'text/csv' },
    });
    if (!res.body) throw new Error('The server sent no upload report.');
    return res.body;
  }

  async addSetToJob(setId: Id, jobId: Id): Promise<SetAdded> {
    const res = await this.http.request<SetAdded>(
      `/api/gold-sets/${encodeURIComponent(String(setId))}/jobs/${encodeURIComponent(String(jobId))}`,
      { method: 'POST', body: {} },
    );
    if (!res.body) throw new Error('The server sent no answer.');
    return res.body;
  }

  /** Retires a set gold in the set and every job that has it (retire = true), or puts it back. */
  async setSetGoldInService(setId: Id, item: string, retire: boolean, voidAnswers = false): Promise<SetGoldState> {
    const res = await this.http.request<SetGoldState>(`/api/gold-sets/${encodeURIComponent(String(setId))}/${retire ? 'retire' : 'restore'}`, {
      method: 'POST',
      body: retire && voidAnswers ? { item, voidAnswers: true } : { item },
    });
    if (!res.body) throw new Error('The server sent no gold state.');
    return res.body;
  }

  async drift(jobId: Id, bucket: 'hour' | 'day' = 'hour'): Promise<DriftReport> {
    const res = await this.http.request<DriftReport>(`/api/jobs/${encodeURIComponent(String(jobId))}/drift?bucket=${bucket}`);
    if (!res.body || !Array.isArray(res.body.buckets)) throw new Error('The server sent no drift.');
    return res.body;
  }

  /** Replays the job's answers under a rule; changes nothing. */
  async whatIf(jobId: Id, rule: { minAccuracy: number; minMedianSeconds?: number }): Promise<WhatIfReport> {
    const res = await this.http.request<WhatIfReport>(`/api/jobs/${encodeURIComponent(String(jobId))}/what-if`, { method: 'POST', body: rule });
    if (!res.body || !Array.isArray(res.body.stopped)) throw new Error('The server sent no replay.');
    return res.body;
  }

  /** The job's dataset versions, newest first. */
  async snapshots(jobId: Id): Promise<Snapshot[]> {
    const res = await this.http.request<Snapshot[]>(`/api/jobs/${encodeURIComponent(String(jobId))}/snapshots`);
    return Array.isArray(res.body) ? res.body : [];
  }

  /** Freezes the job's labels so far as its next version. */
  async createSnapshot(jobId: Id): Promise<Snapshot> {
    const res = await this.http.request<Snapshot>(`/api/jobs/${encodeURIComponent(String(jobId))}/snapshots`, { method: 'POST' });
    if (!res.body || typeof res.body.version !== 'number') throw new Error('The server sent no snapshot.');
    return res.body;
  }
}

/** One version's labels with their provenance, as CSV (the bytes its SHA-256 covers), JSONL or Label Studio tasks. */
export function snapshotUrl(jobId: Id, version: number, format: SnapshotFormat): string {
  return `/api/jobs/${encodeURIComponent(String(jobId))}/snapshots/${version}/items?format=${format}`;
}

/** File name a version downloads as. */
export function snapshotFileName(jobId: Id, version: number, format: SnapshotFormat): string {
  return format === 'label-studio' ? `job-${String(jobId)}-v${version}-label-studio.json` : `job-${String(jobId)}-v${version}.${format}`;
}

const FLAG_ORDER: Record<string, number> = { PROBABLY_WRONG: 0, AMBIGUOUS: 1 };

/** The golds worth a look first: probably wrong, then ambiguous, each by share correct (lowest first); the rest after. */
export function goldsToReview(golds: readonly GoldStats[]): GoldStats[] {
  const rank = (g: GoldStats) => FLAG_ORDER[g.flag] ?? 2;
  return [...golds].sort((a, b) => rank(a) - rank(b) || (a.shareCorrect ?? 1) - (b.shareCorrect ?? 1) || a.item.localeCompare(b.item));
}

/** Aggregated labels per item (label, confidence, answers, method): a same-origin link the browser downloads with the session cookie. */
export function resultsUrl(jobId: Id, format: ResultFormat): string {
  return `/api/jobs/${encodeURIComponent(String(jobId))}/results?format=${format}`;
}

/** Every raw answer (item, worker, label, gold, status, time). */
export function answersUrl(jobId: Id, format: ResultFormat): string {
  return `/api/jobs/${encodeURIComponent(String(jobId))}/answers?format=${format}`;
}

/** Share of items done in [0, 1]; 0 for an empty job. */
export function completion(progress: Pick<JobProgress, 'itemsDone' | 'itemsTotal'>): number {
  if (!(progress.itemsTotal > 0)) return 0;
  return Math.min(1, Math.max(0, progress.itemsDone / progress.itemsTotal));
}

/** Share of gold answers that were correct, or null before the first gold answer. */
export function goldAccuracy(progress: Pick<JobProgress, 'goldAnswers' | 'goldCorrect'>): number | null {
  return progress.goldAnswers > 0 ? progress.goldCorrect / progress.goldAnswers : null;
}

/**
 * Cost of the whole job: the server's projection where it sends one; otherwise (an older server) the cost so far
 * extrapolated to every item, null until an item is done. Labelled as an estimate.
 */
export function projectedCostMinor(progress: Pick<JobProgress, 'itemsDone' | 'itemsTotal' | 'costSoFarMinor' | 'projectedCostMinor'>): number | null {
  if (typeof progress.projectedCostMinor === 'number') return progress.projectedCostMinor;
  if (!(progress.itemsDone > 0) || !(progress.itemsTotal > 0)) return null;
  return Math.round((progress.costSoFarMinor * progress.itemsTotal) / progress.itemsDone);
}
