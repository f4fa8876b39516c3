/** The worker's home: earnings summary and the jobs open to them, each with its pay per task. */
import type { ClosedJob, Earnings, Rejection, WorkerApi, WorkerJob } from '../api/worker';
import { h, replaceChildren, setLoadState } from '@common/lib/dom';
import { formatCount, formatDateTime, formatMoney, formatPercent } from '@common/lib/format';
import { describeError } from '@common/lib/http';
import { renderMarkdown } from '../lib/markdown';
import type { View } from '@common/views/view';

export function labelHref(jobId?: WorkerJob['id']): string {
  return jobId === undefined ? '#/label' : `#/label/${encodeURIComponent(String(jobId))}`;
}

export function jobsView(api: WorkerApi): View {
  const earningsBody = h('div', { class: 'section-body', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const jobsStatus = h('div', { class: 'section-status', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading jobs…'));
  const jobsList = h('ul', { id: 'jobs', class: 'job-list', 'aria-labelledby': 'jobs-title' });
  const refresh = h('button', { type: 'button', id: 'refresh', class: 'btn' }, 'Refresh');
  const earningsSection = h(
    'section',
    { id: 'earnings', class: 'card', 'aria-labelledby': 'earnings-title' },
    h('h2', { id: 'earnings-title' }, 'Earnings'),
    earningsBody,
  );

  const rejectionsBody = h('div', { class: 'section-body', 'aria-live': 'polite' });
  const rejectionsSection = h(
    'section',
    { id: 'rejections', class: 'card', 'aria-labelledby': 'rejections-title', hidden: true },
    h('h2', { id: 'rejections-title' }, 'Rejections'),
    h('p', { class: 'muted small' }, 'Every rejection must cite evidence. If you think one is wrong, appeal it: a quality manager decides, and a reversed rejection is paid.'),
    rejectionsBody,
  );

  const closedBody = h('ul', { id: 'closed-jobs', class: 'closed-list' });
  const closedSection = h(
    'section',
    { id: 'closed', class: 'card', 'aria-labelledby': 'closed-title', hidden: true },
    h('h2', { id: 'closed-title' }, 'Closed to you'),
    h('p', { class: 'muted small' }, 'Jobs you worked on that take no more of your tasks, and why.'),
    closedBody,
  );

  const element = h(
    'div',
    { class: 'page' },
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: -1 }, 'Your work'),
      h('div', { class: 'actions' }, refresh, h('a', { href: labelHref(), id: 'start-labeling', class: 'btn btn-primary' }, 'Start labeling')),
    ),
    earningsSection,
    rejectionsSection,
    h('section', { class: 'jobs-section', 'aria-labelledby': 'jobs-title' }, h('h2', { id: 'jobs-title' }, 'Jobs open to you'), jobsStatus, jobsList),
    closedSection,
  );

  let disposed = false;
  const load = async () => {
    refresh.disabled = true;
    setLoadState(earningsSection, 'loading');
    setLoadState(jobsList, 'loading');
    await Promise.all([
      api.earnings().then(
        (e) => {
          if (disposed) return;
          replaceChildren(earningsBody, renderEarnings(e));
          setLoadState(earningsSection, 'ready');
        },
        (e) => {
          if (disposed) return;
          replaceChildren(earningsBody, errorLine(describeError(e)));
          setLoadState(earningsSection, 'error');
        },
      ),
      loadRejections(),
      api.jobs().then(
        (jobs) => {
          if (disposed) return;
          replaceChildren(jobsList, jobs.map(renderJob));
          replaceChildren(jobsStatus, jobs.length === 0 ? h('p', { class: 'empty-state', id: 'no-jobs' }, 'No jobs are open to you right now. Check back soon.') : null);
          setLoadState(jobsList, 'ready');
        },
        (e) => {
          if (disposed) return;
          replaceChildren(jobsList);
          replaceChildren(jobsStatus, errorLine(describeError(e)));
          setLoadState(jobsList, 'error');
        },
      ),
      api.closedJobs().then(
        (closed) => {
          if (disposed) return;
          closedSection.hidden = closed.length === 0;
          replaceChildren(closedBody, closed.map(renderClosedJob));
        },
        // A side list: when it cannot be read, it stays hidden rather than alarm the worker.
        () => {
          if (!disposed) closedSection.hidden = true;
        },
      ),
    ]);
    refresh.disabled = false;
  };
  async function loadRejections(): Promise<void> {
    try {
      const list = await api.rejections();
      if (disposed) return;
      rejectionsSection.hidden = list.length === 0;
      replaceChildren(rejectionsBody, h('ul', { class: 'rejection-list' }, list.map((r) => renderRejection(r, appeal))));
    } catch (e) {
      if (disposed) return;
      rejectionsSection.hidden = false;
      replaceChildren(rejectionsBody, errorLine(describeError(e)));
    }
  }

  async function appeal(r: Rejection, message: string, status: HTMLElement, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      await api.appeal(r.assignmentId, message);
      if (disposed) return;
      await loadRejections();
    } catch (e) {
      if (disposed) return;
      button.disabled = false;
      replaceChildren(status, errorLine(describeError(e)));
    }
  }

  refresh.addEventListener('click', () => void load());
  void load();

  return { title: 'Jobs', element, dispose: () => (disposed = true) };
}

/** What the evidence says, in words a worker can check. */
export function describeEvidence(r: Rejection): string {
  if (r.evidence === 'FAILED_GOLDS') {
    const n = r.failedGolds ?? 0;
    return `You answered ${formatCount(n)} check question${n === 1 ? '' : 's'} in this job wrongly.`;
  }
  return `Other workers chose a different label, with ${formatPercent(r.crowdConfidence ?? 0)} confidence.`;
}

const APPEAL_NAMES: Record<string, string> = { PENDING: 'Appeal pending', UPHELD: 'Appeal turned down', REVERSED: 'Appeal granted' };

/** One rejection: job, answer, reason, evidence, state, and an appeal form while it can still be appealed. */
export function renderRejection(r: Rejection, onAppeal: (r: Rejection, message: string, status: HTMLElement, button: HTMLButtonElement) => void): HTMLElement {
  const reversed = r.status === 'ACCEPTED';
  const state = reversed ? `Reversed — paid ${formatMoney(r.rewardMinor)}` : r.appealStatus ? APPEAL_NAMES[r.appealStatus] ?? r.appealStatus : 'Rejected';
  let form: HTMLElement | null = null;
  if (!reversed && r.appealStatus === null) {
    const message = h('textarea', { rows: 2, minlength: 5, maxlength: 4000, 'aria-label': 'Why the rejection is wrong', placeholder: 'Why is this rejection wrong?' }) as HTMLTextAreaElement;
    const button = h('button', { type: 'submit', class: 'btn', 'data-action': 'appeal' }, 'Appeal') as HTMLButtonElement;
    const status = h('div', { 'aria-live': 'polite' });
    form = h('form', { class: 'appeal-form' }, message, button, status);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = message.value.trim();
      if (text.length < 5) {
        replaceChildren(status, errorLine('Say in a few words why the rejection is wrong.'));
        return;
      }
      onAppeal(r, text, status, button);
    });
  }
  return h(
    'li',
    { class: 'rejection', 'data-testid': 'rejection', 'data-status': r.status, 'data-appeal': r.appealStatus ?? '' },
    h('p', null, h('strong', null, r.job), ` — your answer: ${r.yourLabel}`),
    h('p', null, `Reason: ${r.reason}. ${describeEvidence(r)}`),
    h('p', { 'data-testid': 'rejection-state' }, state, r.appealNote ? ` (${r.appealNote})` : ''),
    form,
  );
}

export function renderEarnings(e: Earnings): HTMLElement {
  const accuracy =
    e.goldAnswered > 0
      ? `${formatPercent(e.accuracyEstimate)} (${formatCount(e.goldCorrect)} of ${formatCount(e.goldAnswered)} checks correct)`
      : 'No quality checks answered yet';
  return h(
    'dl',
    { class: 'stats' },
    stat('Balance', formatMoney(e.balanceMinor), 'earnings-balance'),
    stat('Pending review', formatMoney(e.pendingMinor), 'earnings-pending'),
    stat('Accuracy estimate', accuracy, 'earnings-accuracy'),
  );
}

export function renderClosedJob(job: ClosedJob): HTMLElement {
  return h('li', { 'data-testid': 'closed-job', 'data-job-id': String(job.id) }, h('strong', null, job.title), ': ', job.reason);
}

export function renderJob(job: WorkerJob): HTMLElement {
  const titleId = `job-${String(job.id)}-title`;
  return h(
    'li',
    { class: 'job-card card', 'data-testid': 'job', 'data-job-id': String(job.id), 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'job-card-head' },
      h('h3', { id: titleId }, job.title),
      h('p', { class: 'job-pay' }, h('strong', null, formatMoney(job.rewardMinor)), ' per task'),
    ),
    h('p', { class: 'job-hourly', 'data-testid': 'job-hourly' }, hourly(job)),
    rulesLine(job),
    h(
      'p',
      { class: 'muted' },
      `${formatCount(job.openTasks)} ${job.openTasks === 1 ? 'task' : 'tasks'} open`,
      job.deadline ? ` · open until ${formatDateTime(job.deadline)}` : '',
    ),
    job.labels?.length ? h('ul', { class: 'chips', 'aria-label': 'Labels' }, job.labels.map((l) => h('li', { class: 'chip' }, l))) : null,
    job.instructions ? h('details', { class: 'job-instructions' }, h('summary', null, 'Instructions'), h('div', { class: 'markdown' }, renderMarkdown(job.instructions))) : null,
    h(
      'a',
      { class: 'btn btn-primary', href: labelHref(job.id), 'data-testid': 'start-job', 'aria-describedby': titleId },
      'Start',
    ),
  );
}

/** The job's stopping rules in words, before the worker starts; null when it has none. */
export function rulesLine(job: WorkerJob): HTMLElement | null {
  const r = job.rules;
  if (!r) return null;
  const parts: string[] = [];
  if (r.minAccuracy > 0) parts.push(`at least ${formatPercent(r.minAccuracy)} right on quality checks, counted after ${r.probationGolds}`);
  if (r.minMedianSeconds > 0) parts.push(`no faster than ${r.minMedianSeconds} s a task on average (median of your last ${r.speedWindow})`);
  if (parts.length === 0) return null;
  return h('p', { class: 'muted small', 'data-testid': 'job-rules' }, `This job asks for ${parts.join(' and ')}; below that it stops giving you tasks.`);
}

/** The honest estimate: what the job's workers have earned an hour at its median pace, or that it is not known yet. */
export function hourly(job: WorkerJob): string {
  if (job.effectiveHourlyMinor == null || job.medianSecondsPerTask == null) return 'Hourly pay: not known yet (too few answers so far)';
  const seconds = job.medianSecondsPerTask < 10 ? job.medianSecondsPerTask.toFixed(1) : String(Math.round(job.medianSecondsPerTask));
  return `About ${formatMoney(job.effectiveHourlyMinor)} an hour (median ${seconds} s a task)`;
}

function stat(label: string, value: string, testId: string): HTMLElement {
  return h('div', { class: 'stat' }, h('dt', null, label), h('dd', { 'data-testid': testId }, value));
}

function errorLine(message: string): HTMLElement {
  return h('p', { class: 'alert alert-error', role: 'alert' }, message);
}
