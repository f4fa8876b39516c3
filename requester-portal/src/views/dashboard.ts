/**
 * The requester's dashboard: balance (available / reserved / spent), the jobs table, and for the chosen job its
 * progress with links to download the results, and the health of its golds (flagged golds first).
 */
import {
  RESULT_FORMATS,
  SNAPSHOT_FORMATS,
  answersUrl,
  completion,
  goldAccuracy,
  goldsToReview,
  projectedCostMinor,
  resultsUrl,
  snapshotFileName,
  snapshotUrl,
  type Account,
  type AdjudicationQueue,
  type WorkersReport,
  type WhatIfReport,
  type DriftReport,
  type GoldHealthReport,
  type Id,
  type Job,
  type JobProgress,
  type JobSettings,
  type ReviewCandidate,
  type JobAgreement,
  type ConfidenceCheck,
  type RequesterApi,
  type Snapshot,
  type SnapshotWorkers,
  type WorkerQuality,
} from '../api/requester';
import { h, replaceChildren, setLoadState } from '@common/lib/dom';
import { formatCount, formatDateTime, formatMoney, formatPercent } from '@common/lib/format';
import { describeError } from '@common/lib/http';
import type { View } from '@common/views/view';
import { goldSetsSection } from './goldSets';
import { queuesSection } from './queues';
import { renderReview } from './review';
import { apiKeysSection, fundsForm, jobSetup, newJobSection } from './setup';
import { webhooksSection } from './webhooks';

export interface DashboardOptions {
  api: RequesterApi;
  /** The job to show progress for, from the URL (#/jobs/42). */
  selectedJobId?: string;
  /** Called when the requester picks a job, so the URL can follow. */
  onSelect?: (jobId: Id) => void;
  /**
   * The quality console (quality managers and admins): every requester's jobs and the queues of decisions, without the
   * requester's own money, setup, keys and webhooks.
   */
  console?: boolean;
  /** A link to the other view for a user who may use both (the dashboard and the console). */
  switchTo?: { href: string; label: string };
  /** Progress refresh period while a job is shown, and how many refreshes at most. */
  refreshMs?: number;
  maxRefreshes?: number;
}

export function dashboardView(options: DashboardOptions): View {
  const { api } = options;
  const refreshMs = options.refreshMs ?? 15_000;
  const maxRefreshes = options.maxRefreshes ?? 240;

  const balanceBody = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const jobsStatus = h('div', { class: 'section-status' }, h('p', { class: 'muted' }, 'Loading jobs…'));
  const jobsBody = h('tbody');
  const jobsTable = h(
    'table',
    { id: 'jobs', class: 'data-table', 'aria-labelledby': 'jobs-title' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Job', 'Status', 'Reward / task', 'Overlap', 'Gold rate', 'Items', 'Golds', 'Created'].map((c, i) =>
          h('th', { scope: 'col', class: i >= 2 && i <= 6 ? 'num' : null }, c),
        ),
      ),
    ),
    jobsBody,
  );
  const progressPanel = h(
    'section',
    { id: 'progress', class: 'card progress-card', 'aria-labelledby': 'progress-title', 'aria-live': 'polite' },
    h('h2', { id: 'progress-title' }, 'Progress'),
    h('p', { class: 'muted' }, 'Choose a job to see its progress and download its results.'),
  );
  const refresh = h('button', { type: 'button', id: 'refresh', class: 'btn' }, 'Refresh');
  const webhooks = webhooksSection(api);
  const consoleMode = options.console === true;
  const goldSets = goldSetsSection(api, () => jobs);
  const apiKeys = apiKeysSection(api);
  const queues = queuesSection(api);
  const newJob = newJobSection(api, () => currency, (job) => {
    selected = job;
    void loadAll();
  });
  const balanceSection = h(
    'section',
    { id: 'balance', class: 'card', 'aria-labelledby': 'balance-title' },
    h('h2', { id: 'balance-title' }, 'Balance'),
    balanceBody,
    fundsForm(api, () => currency),
  );

  const element = h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, consoleMode ? 'Quality console' : 'Dashboard'), h('div', { class: 'actions' }, options.switchTo ? h('a', { href: options.switchTo.href, class: 'btn btn-quiet', id: 'switch-view' }, options.switchTo.label) : null, refresh)),
    consoleMode ? queues.element : balanceSection,
    consoleMode ? null : newJob,
    h(
      'div',
      { class: 'dashboard-grid' },
      h(
        'section',
        { class: 'card jobs-card', 'aria-labelledby': 'jobs-title' },
        h('h2', { id: 'jobs-title' }, 'Jobs'),
        jobsStatus,
        h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Jobs table' }, jobsTable),
      ),
      progressPanel,
    ),
    goldSets.element,
    consoleMode ? null : webhooks.element,
    consoleMode ? null : apiKeys.element,
  );

  let disposed = false;
  let currency = 'USD';
  let jobs: Job[] = [];
  let selected: Job | null = null;
  let progressToken = 0;
  let refreshes = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function loadAll(): Promise<void> {
    refresh.disabled = true;
    setLoadState(balanceSection, 'loading');
    setLoadState(jobsTable, 'loading');
    const [account, jobList] = await Promise.allSettled([
      consoleMode ? Promise.resolve(null) : api.account(),
      consoleMode ? api.qmJobs() : api.jobs(),
    ]);
    if (disposed) return;
    refresh.disabled = false;
    if (account.status === 'rejected') {
      replaceChildren(balanceBody, errorLine(describeError(account.reason)));
      setLoadState(balanceSection, 'error');
    } else if (account.value) {
      currency = account.value.currency || 'USD';
      replaceChildren(balanceBody, renderBalance(account.value));
      setLoadState(balanceSection, 'ready');
    } // else the console, which has no balance of its own: amounts show in the default currency

    if (jobList.status === 'fulfilled') {
      jobs = jobList.value;
      replaceChildren(
        jobsStatus,
        jobs.length === 0
          ? h('p', { id: 'no-jobs', class: 'empty-state' }, consoleMode ? 'No requester has a job yet.' : 'You have no jobs yet. Create one above, or through the API.')
          : null,
      );
      jobsTable.hidden = jobs.length === 0;
      const wanted = selected?.id ?? options.selectedJobId;
      selected = jobs.find((j) => String(j.id) === String(wanted)) ?? null;
      renderJobs();
      setLoadState(jobsTable, 'ready');
      if (selected) void loadProgress(selected, true);
    } else {
      replaceChildren(jobsStatus, errorLine(describeError(jobList.reason)));
      setLoadState(jobsTable, 'error');
    }
  }

  function renderJobs(): void {
    replaceChildren(
      jobsBody,
      jobs.map((job) =>
        renderJobRow(job, currency, selected !== null && String(selected.id) === String(job.id), () => select(job)),
      ),
    );
  }

  function select(job: Job): void {
    selected = job;
    refreshes = 0;
    renderJobs();
    options.onSelect?.(job.id);
    void loadProgress(job, true);
    // The panel sits below the table: bring it into view (no-op in jsdom, which has no layout).
    progressPanel.scrollIntoView?.({ block: 'nearest', behavior: prefersReducedMotion() ? 'auto' : 'smooth' });
  }

  /**
   * The shown job's quality sections (gold health, versions, adjudication, workers, drift) and its what-if form. They
   * load when the job is chosen and after an action in them, not on every progress refresh: they cost the server more,
   * and a refresh must not wipe what the user is reading (a replay's outcome, an action's message).
   */
  let quality: { jobId: string; sections: HTMLElement; whatIf: HTMLElement } | null = null;
  let setup: { jobId: string; status: string; element: HTMLElement | null } | null = null;

  async function qualitySections(job: Job): Promise<HTMLElement> {
    // Each is extra: when one cannot be read, the others and the progress still show, with a note.
    const [golds, versions, queue, workers, drift, review, agreement, confidence] = await Promise.all([
      api.goldHealth(job.id).catch((e: unknown) => e),
      api.snapshots(job.id).catch((e: unknown) => e),
      api.adjudicationQueue(job.id).catch((e: unknown) => e),
      api.workers(job.id).catch((e: unknown) => e),
      api.drift(job.id).catch((e: unknown) => e),
      consoleMode ? Promise.resolve(null) : api.reviewQueue(job.id).catch((e: unknown) => e),
      api.agreement(job.id).catch((e: unknown) => e),
      api.confidenceCheck(job.id).catch((e: unknown) => e),
    ]);
    return h(
      'div',
      { class: 'quality-sections' },
      renderAgreement(agreement),
      renderConfidenceCheck(
        confidence,
        ['DRAFT', 'PUBLISHED', 'PAUSED'].includes(job.status) ? (target, button, out) => void useTarget(job, target, button, out) : undefined,
        ['DRAFT', 'PUBLISHED', 'PAUSED'].includes(job.status) ? (value, button, out) => void useValue(job, value, button, out) : undefined,
        currency,
      ),
      golds instanceof Error || !golds
        ? errorLine(`Gold health: ${describeError(golds)}`)
        : renderGoldHealth(
            golds as GoldHealthReport,
            (item, label, button) => void correctGold(job, item, label, button),
            (item, retire, button, voidAnswers) => void goldInService(job, item, retire, button, voidAnswers),
          ),
      review === null ? null : renderReview(review, (answer, evidence, reason, button) => void rejectAnswer(job, answer, evidence, reason, button)),
      renderSnapshots(job, versions, () => void freeze(job)),
      renderAdjudication(queue, (item, label, button) => void decide(job, item, label, button)),
      renderWorkers(workers, {
        onBlock: consoleMode ? (worker, blocked, button) => void block(job, worker, blocked, button) : undefined,
        onSkills: consoleMode ? (worker, skills, button) => void saveSkills(worker, skills, button) : undefined,
        confusion: confusionOf(job, versions),
      }),
      renderDrift(drift),
    );
  }

  async function loadProgress(job: Job, reloadQuality = false): Promise<void> {
    const token = ++progressToken;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (progressPanel.dataset.jobId !== String(job.id)) {
      progressPanel.dataset.jobId = String(job.id);
      replaceChildren(progressPanel, progressHeading(job), h('p', { class: 'muted' }, 'Loading progress…'));
    }
    const same = quality !== null && quality.jobId === String(job.id);
    setLoadState(progressPanel, 'loading');
    let content: Node[];
    let ok = true;
    let latestStatus: string | undefined;
    try {
      const [progress, sections] = await Promise.all([api.progress(job.id), same && !reloadQuality ? Promise.resolve(null) : qualitySections(job)]);
      if (disposed || token !== progressToken) return; // another job was chosen meanwhile
      if (sections) {
        quality = { jobId: String(job.id), sections, whatIf: same ? quality!.whatIf : whatIfForm(job) };
      }
      latestStatus = progress.status;
      // The setup part is kept between refreshes (an upload may be under way in it), and made again when the job's
      // status changes.
      const status = progress.status ?? job.status;
      if (setup === null || setup.jobId !== String(job.id) || setup.status !== status) {
        const previous = setup?.jobId === String(job.id) ? setup.element?.querySelector('#setup-status') : null;
        setup = { jobId: String(job.id), status, element: jobSetup(api, { ...job, status }, currency, () => void loadAll(), { console: consoleMode }) };
        // The outcome of the action that changed the status (published, paused, ...) stays in view.
        const next = setup.element?.querySelector('#setup-status');
        if (previous && next) next.replaceChildren(...previous.childNodes);
      }
      content = [
        renderProgress(job, progress, currency),
        ...(setup.element ? [setup.element] : []),
        quality!.sections,
        quality!.whatIf,
        h('p', { class: 'muted small' }, `Updated ${new Date().toLocaleTimeString()}`),
      ];
    } catch (e) {
      ok = false;
      content = [errorLine(describeError(e))];
    }
    if (disposed || token !== progressToken) return;
    replaceChildren(progressPanel, progressHeading(latestStatus ? { ...job, status: latestStatus } : job), content);
    setLoadState(progressPanel, ok ? 'ready' : 'error');
    scheduleRefresh(job);
  }

  /** Freezes a new version, then shows the panel again with it (or the reason it could not be made). */
  async function freeze(job: Job): Promise<void> {
    const button = progressPanel.querySelector<HTMLButtonElement>('#create-snapshot');
    const status = progressPanel.querySelector<HTMLElement>('#snapshot-status');
    if (button) button.disabled = true;
    if (status) replaceChildren(status, h('span', { class: 'muted' }, 'Aggregating every answer so far…'));
    try {
      const s = await api.createSnapshot(job.id);
      if (disposed) return;
      await loadProgress(job, true);
      const after = progressPanel.querySelector<HTMLElement>('#snapshot-status');
      if (after) replaceChildren(after, h('span', { role: 'status' }, `Version ${s.version} saved: ${formatCount(s.items)} items.`));
    } catch (e) {
      if (disposed) return;
      if (button) button.disabled = false;
      if (status) replaceChildren(status, errorLine(describeError(e)));
    }
  }

  /** Sets a gold's key to the crowd's label, then shows the panel again with what the correction did. */
  async function correctGold(job: Job, item: string, label: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      const fixed = await api.correctGold(job.id, item, label);
      if (disposed) return;
      await loadProgress(job, true);
      const status = progressPanel.querySelector<HTMLElement>('#gold-fix-status');
      if (status) {
        replaceChildren(
          status,
          h('p', { role: 'status' }, `${item}: key set to ${fixed.newLabel}; ${formatCount(fixed.answersRescored)} answers re-scored, ${formatCount(fixed.rejectionsReversed)} rejections reversed (${formatMoney(fixed.paidMinor, currency)} paid).`),
        );
      }
    } catch (e) {
      if (disposed) return;
      button.disabled = false;
      const status = progressPanel.querySelector<HTMLElement>('#gold-fix-status');
      if (status) replaceChildren(status, errorLine(`${item}: ${describeError(e)}`));
    }
  }

  /** Rejects an answer citing the evidence, then shows the panel again with the outcome. */
  async function rejectAnswer(job: Job, answer: ReviewCandidate, evidence: 'POSTERIOR' | 'FAILED_GOLDS', reason: string, button: HTMLButtonElement): Promise<void> {
    const say = (node: Node) => {
      const status = progressPanel.querySelector<HTMLElement>('#review-status');
      if (status) replaceChildren(status, node);
    };
    if (reason.length < 5) {
      say(errorLine('Give the worker a reason of at least 5 characters.'));
      return;
    }
    button.disabled = true;
    try {
      const r = await api.reject(answer.assignmentId, reason, evidence);
      if (disposed) return;
      await loadProgress(job, true);
      say(
        h(
          'p',
          { role: 'status' },
          r.status === 'PENDING_QUALITY_REVIEW'
            ? `${answer.item}: held for a quality manager (you have rejected a large share of this worker’s answers).`
            : `${answer.item}: rejected; its reward and fee are back in your balance.`,
        ),
      );
    } catch (e) {
      if (disposed) return;
      button.disabled = false;
      say(errorLine(`${answer.item}: ${describeError(e)}`));
    }
  }

  /** Sets a worker's skills (every job's requirements see them), and says so in the workers section. */
  async function saveSkills(worker: Id, skills: string[], button: HTMLButtonElement): Promise<void> {
    const say = (node: Node) => {
      const status = progressPanel.querySelector<HTMLElement>('#workers-status');
      if (status) replaceChildren(status, node);
    };
    button.disabled = true;
    try {
      const saved = await api.setSkills(worker, skills);
      say(h('p', { role: 'status' }, `Worker ${String(worker)}: ${saved.length === 0 ? 'no skills' : `skills ${saved.join(', ')}`}.`));
    } catch (e) {
      say(errorLine(`Worker ${String(worker)}: ${describeError(e)}`));
    } finally {
      button.disabled = false;
    }
  }

  /**
   * Each worker's confusion matrix from the job's latest dataset version (the engine's fitted worker models), read once
   * when the first is opened; without a version, says how to get one.
   */
  function confusionOf(job: Job, versions: unknown): (worker: Id) => Promise<Node> {
    const list = Array.isArray(versions) ? (versions as Snapshot[]) : [];
    const latest = list.reduce<Snapshot | null>((a, v) => (a === null || v.version > a.version ? v : a), null);
    let models: Promise<SnapshotWorkers> | null = null;
    return async (worker) => {
      if (latest === null) {
        return h('p', { class: 'muted' }, 'No dataset version yet: save one (Dataset versions) to see each worker’s confusion matrix as the engine fitted it.');
      }
      models ??= api.snapshotWorkers(job.id, latest.version);
      const m = await models;
      const found = m.workers.find((w) => String(w.worker) === String(worker));
      if (!found) return h('p', { class: 'muted' }, `Worker ${String(worker)} had no answers in version ${m.version}.`);
      return renderConfusion(m.labels, found.confusion, `Version ${m.version} (${m.model}), ${formatCount(found.answers)} answers`);
    };
  }

  /** Blocks a worker from every job (or lets him work again), then shows the panel again. */
  async function block(job: Job, worker: Id, blocked: boolean, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      await api.setBlocked(worker, blocked);
      if (disposed) return;
      await loadProgress(job, true);
      progressPanel
        .querySelector<HTMLElement>('#workers h3')
        ?.after(h('p', { role: 'status', id: 'block-status' }, `Worker ${String(worker)} ${blocked ? 'blocked from every job' : 'may take tasks again'}.`));
    } catch (e) {
      if (disposed) return;
      button.disabled = false;
      progressPanel.querySelector<HTMLElement>('#workers h3')?.after(errorLine(`Worker ${String(worker)}: ${describeError(e)}`));
    }
  }

  /** Sets the job's confidence target to one the confidence check replayed, noting why in the job's history. */
  async function useTarget(job: Job, target: number, button: HTMLButtonElement, out: HTMLElement): Promise<void> {
    button.disabled = true;
    try {
      await api.updateJob(job.id, { confidenceTarget: target, note: 'after a confidence check on golds' });
      if (disposed) return;
      replaceChildren(out, h('p', { role: 'status' }, `Confidence target set to ${formatPercent(target)} for the answers from now on.`));
    } catch (e) {
      if (disposed) return;
      button.disabled = false;
      replaceChildren(out, errorLine(describeError(e)));
    }
  }

  async function useValue(job: Job, value: number, button: HTMLButtonElement, out: HTMLElement): Promise<void> {
    button.disabled = true;
    try {
      await api.updateJob(job.id, { labelValueMinor: value, note: 'after a confidence check on golds' });
      if (disposed) return;
      replaceChildren(out, h('p', { role: 'status' }, `A right label is now worth ${formatMoney(value, currency)}: items stop buying answers not worth their price, from now on.`));
    } catch (e) {
      if (disposed) return;
      button.disabled = false;
      replaceChildren(out, errorLine(describeError(e)));
    }
  }

  /** Retires a gold (or restores it), then shows the panel again with the outcome. */
  async function goldInService(job: Job, item: string, retire: boolean, button: HTMLButtonElement, voidAnswers: boolean): Promise<void> {
    button.disabled = true;
    try {
      const state = await api.setGoldInService(job.id, item, retire, voidAnswers);
      if (disposed) return;
      await loadProgress(job, true);
      const status = progressPanel.querySelector<HTMLElement>('#gold-fix-status');
      if (status) {
        const what = state.voidedAt
          ? `retired and voided: ${formatCount(state.answersVoided ?? 0)} answers no longer count, ${formatCount(state.rejectionsReversed ?? 0)} rejections reversed (${formatMoney(state.paidMinor ?? 0, currency)} paid)`
          : state.retired
            ? 'retired, served to no one from now on'
            : 'back in service';
        replaceChildren(status, h('p', { role: 'status' }, `${item}: ${what}; ${formatCount(state.goldsInService)} golds in service.`));
      }
    } catch (e) {
      if (disposed) return;
      button.disabled = false;
      const status = progressPanel.querySelector<HTMLElement>('#gold-fix-status');
      if (status) replaceChildren(status, errorLine(`${item}: ${describeError(e)}`));
    }
  }

  /** A rule to try on the job's past answers; the outcome shows under the form and stays until the next replay. */
  function whatIfForm(job: Job): HTMLElement {
    const accuracy = h('input', { id: 'whatif-accuracy', type: 'number', min: 0, max: 0.99, step: 0.01, value: 0.7, 'aria-label': 'Minimum gold accuracy' }) as HTMLInputElement;
    const speed = h('input', { id: 'whatif-speed', type: 'number', min: 0, max: 3600, step: 0.5, value: 0, 'aria-label': 'Minimum median seconds per task' }) as HTMLInputElement;
    const run = h('button', { type: 'submit', class: 'btn', id: 'whatif-run' }, 'Replay');
    const out = h('div', { id: 'whatif-result', 'aria-live': 'polite' });
    const form = h(
      'form',
      { class: 'inline-form', id: 'whatif-form' },
      h('label', null, 'Stop workers below gold accuracy ', accuracy),
      h('label', null, ' or faster than (median s) ', speed),
      run,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      run.disabled = true;
      replaceChildren(out, h('p', { class: 'muted' }, 'Replaying every answer…'));
      api
        .whatIf(job.id, { minAccuracy: Number(accuracy.value), minMedianSeconds: Number(speed.value) || undefined })
        .then((r) => replaceChildren(out, renderWhatIf(r, currency), applyRule(job, r)))
        .catch((e: unknown) => replaceChildren(out, errorLine(describeError(e))))
        .finally(() => (run.disabled = false));
    });
    return h(
      'div',
      { class: 'what-if', id: 'what-if' },
      h('h3', null, 'What if'),
      h('p', { class: 'muted small' }, 'Try a rule on the answers so far, as if it had been on from the start. Nothing changes.'),
      form,
      out,
    );
  }

  /**
   * Switches the replayed rule on for the job as it was replayed (the parts that differ from the job's): the matching
   * engine then stops the workers it names at their next claim. Nothing for an ended job, or a rule already on.
   */
  function applyRule(job: Job, r: WhatIfReport): HTMLElement | null {
    const status = job.status;
    if (!['DRAFT', 'PUBLISHED', 'PAUSED'].includes(status)) return null;
    const settings: JobSettings = {};
    if (r.minAccuracy !== (job.minAccuracy ?? 0)) settings.minAccuracy = r.minAccuracy;
    if (r.minAccuracy > 0 && r.probationGolds !== (job.probationGolds ?? 5)) settings.probationGolds = r.probationGolds;
    if (r.minMedianSeconds !== (job.minMedianSeconds ?? 0)) settings.minMedianSeconds = r.minMedianSeconds;
    if (r.minMedianSeconds > 0 && r.speedWindow !== (job.speedWindow ?? 10)) settings.speedWindow = r.speedWindow;
    if (Object.keys(settings).length === 0) return null;
    const parts = [
      r.minAccuracy > 0 ? `minimum gold accuracy ${formatPercent(r.minAccuracy)} after ${r.probationGolds} golds` : 'no minimum gold accuracy',
      r.minMedianSeconds > 0 ? `median time at least ${r.minMedianSeconds} s over ${r.speedWindow} answers` : 'no speed limit',
    ];
    const button = h('button', { type: 'button', class: 'btn', id: 'whatif-apply' }, `Switch on: ${parts.join(', ')}`) as HTMLButtonElement;
    const out = h('span', { id: 'whatif-apply-status', 'aria-live': 'polite' });
    button.addEventListener('click', () => {
      button.disabled = true;
      const note = `after a what-if replay: ${r.stopped.length} workers stopped, ${r.answersRemoved} answers not bought, ${r.labelsChanged} labels changed`;
      api
        .updateJob(job.id, { ...settings, note })
        .then(() => {
          replaceChildren(out, h('span', { role: 'status' }, ' On: from their next task, the workers this rule stops take no more of the job’s tasks.'));
        })
        .catch((e: unknown) => {
          button.disabled = false;
          replaceChildren(out, errorLine(describeError(e)));
        });
    });
    return h(
      'div',
      { class: 'actions' },
      button,
      out,
    );
  }

  /** Records an expert's label, then shows the panel again (the item leaves the queue), or the reason it failed. */
  async function decide(job: Job, item: string, label: string, button: HTMLButtonElement): Promise<void> {
    const row = button.closest<HTMLElement>('[data-testid=queue-item]');
    row?.querySelectorAll('button').forEach((b) => (b.disabled = true));
    try {
      await api.adjudicate(job.id, item, label);
      if (disposed) return;
      await loadProgress(job, true);
      const status = progressPanel.querySelector<HTMLElement>('#adjudication-status');
      if (status) replaceChildren(status, h('span', { role: 'status' }, `${item}: ${label}.`));
    } catch (e) {
      if (disposed) return;
      row?.querySelectorAll('button').forEach((b) => (b.disabled = false));
      const status = progressPanel.querySelector<HTMLElement>('#adjudication-status');
      if (status) replaceChildren(status, errorLine(`${item}: ${describeError(e)}`));
    }
  }

  /** Keeps the shown progress fresh; skips the request while the tab is hidden. Bounded by maxRefreshes. */
  function scheduleRefresh(job: Job): void {
    if (refreshes >= maxRefreshes) return;
    timer = setTimeout(() => {
      timer = null;
      refreshes++;
      if (document.visibilityState === 'hidden') scheduleRefresh(job);
      else void loadProgress(job);
    }, refreshMs);
  }

  refresh.addEventListener('click', () => void loadAll());
  void loadAll();
  if (consoleMode) {
    void queues.reload();
  } else {
    void webhooks.reload();
    void apiKeys.reload();
  }
  void goldSets.reload();

  return {
    title: 'Dashboard',
    element,
    dispose: () => {
      disposed = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}

export function renderBalance(account: Account): HTMLElement {
  const c = account.currency || 'USD';
  return h(
    'dl',
    { class: 'stats' },
    stat('Available', formatMoney(account.availableMinor, c), 'balance-available'),
    stat('Reserved for jobs', formatMoney(account.reservedMinor, c), 'balance-reserved'),
    stat('Spent', formatMoney(account.spentMinor, c), 'balance-spent'),
  );
}

export function renderJobRow(job: Job, currency: string, isSelected: boolean, onSelect: () => void): HTMLTableRowElement {
  const overlap = job.overlapMin === job.overlapMax ? String(job.overlapMin) : `${job.overlapMin}–${job.overlapMax}`;
  return h(
    'tr',
    { 'data-testid': 'job', 'data-job-id': String(job.id), class: isSelected ? 'selected' : null, 'aria-selected': isSelected ? 'true' : null },
    h(
      'th',
      { scope: 'row' },
      h(
        'button',
        { type: 'button', class: 'link-button', 'data-testid': 'select-job', 'aria-pressed': String(isSelected), onclick: onSelect },
        job.title,
      ),
      job.requesterEmail ? h('span', { class: 'muted small job-owner' }, job.requesterEmail) : null,
    ),
    h('td', null, statusBadge(job.status)),
    h('td', { class: 'num' }, formatMoney(job.rewardMinor, currency)),
    h('td', { class: 'num' }, overlap),
    h('td', { class: 'num' }, formatPercent(job.goldRate)),
    h('td', { class: 'num' }, formatCount(job.itemCount)),
    h('td', { class: 'num' }, formatCount(job.goldCount)),
    h('td', null, formatDateTime(job.createdAt)),
  );
}

export function renderProgress(job: Job, p: JobProgress, currency: string): HTMLElement {
  const share = completion(p);
  const accuracy = goldAccuracy(p);
  const projected = projectedCostMinor(p);
  return h(
    'div',
    { class: 'progress-body', 'data-job-id': String(job.id) },
    h(
      'div',
      { class: 'progress-line' },
      h('progress', { id: 'progress-bar', max: Math.max(1, p.itemsTotal), value: Math.min(p.itemsDone, p.itemsTotal), 'aria-labelledby': 'progress-summary' }),
      h(
        'p',
        { id: 'progress-summary' },
        `${formatCount(p.itemsDone)} of ${formatCount(p.itemsTotal)} items done (${formatPercent(share, undefined, 0)})`,
      ),
    ),
    h(
      'dl',
      { class: 'stats' },
      stat('Answers bought', formatCount(p.answers), 'progress-answers'),
      stat(
        'Accuracy on gold',
        accuracy === null ? 'No gold answers yet' : `${formatPercent(accuracy)} (${formatCount(p.goldCorrect)} of ${formatCount(p.goldAnswers)})`,
        'progress-gold',
      ),
      stat('Cost so far', formatMoney(p.costSoFarMinor, currency), 'progress-cost'),
      stat('Reserved', formatMoney(p.reservedMinor, currency), 'progress-reserved'),
      stat('Projected total (estimate)', projected === null ? '—' : formatMoney(projected, currency), 'progress-projected'),
      p.answersPerClosedItem == null ? null : stat('Answers per finished item', p.answersPerClosedItem.toFixed(2), 'progress-per-item'),
    ),
    h(
      'div',
      { class: 'downloads' },
      h('h3', null, 'Results'),
      h('p', { class: 'muted small' }, 'Labels per item with their confidence and the number of answers behind them.'),
      h(
        'div',
        { class: 'actions' },
        RESULT_FORMATS.map((format) =>
          h(
            'a',
            { id: `download-${format}`, class: 'btn', href: resultsUrl(job.id, format), download: `job-${String(job.id)}-results.${format}` },
            `Download ${format.toUpperCase()}`,
          ),
        ),
      ),
      h('p', { class: 'muted small' }, 'Raw answers, one row per worker answer:'),
      h(
        'div',
        { class: 'actions' },
        RESULT_FORMATS.map((format) =>
          h(
            'a',
            { id: `download-answers-${format}`, class: 'btn btn-quiet', href: answersUrl(job.id, format), download: `job-${String(job.id)}-answers.${format}` },
            `Answers ${format.toUpperCase()}`,
          ),
        ),
      ),
    ),
  );
}

/**
 * Dataset versions: a button that freezes the labels so far as the next version, and per version its size, the model
 * that produced it, agreement, a checksum and downloads. {@code versions} is the error when the list could not be read.
 */
export function renderSnapshots(job: Job, versions: Snapshot[] | unknown, onCreate: () => void): HTMLElement {
  const list = Array.isArray(versions) ? (versions as Snapshot[]) : null;
  const rows = (list ?? []).map((s) =>
    h(
      'tr',
      { 'data-testid': 'snapshot', 'data-version': String(s.version) },
      h('th', { scope: 'row' }, `v${s.version}`),
      h('td', null, formatDateTime(s.createdAt)),
      h('td', { class: 'num' }, formatCount(s.items)),
      h('td', { class: 'num' }, formatCount(s.answers)),
      h('td', null, h('code', null, s.model)),
      h('td', { class: 'num' }, s.krippendorffAlpha === null ? '—' : s.krippendorffAlpha.toFixed(2)),
      h('td', null, h('code', { title: `SHA-256 of the CSV: ${s.contentSha256}` }, s.contentSha256.slice(0, 12))),
      h(
        'td',
        null,
        SNAPSHOT_FORMATS.map((format) =>
          h(
            'a',
            { class: 'btn btn-quiet', href: snapshotUrl(job.id, s.version, format), download: snapshotFileName(job.id, s.version, format) },
            format === 'label-studio' ? 'Label Studio' : format.toUpperCase(),
          ),
        ),
      ),
    ),
  );
  return h(
    'div',
    { class: 'snapshots', id: 'snapshots' },
    h('h3', null, 'Dataset versions'),
    h(
      'p',
      { class: 'muted small' },
      'A version freezes the labels so far, with the model that produced them; it never changes afterwards, and its CSV matches the checksum shown.',
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', id: 'create-snapshot', class: 'btn', onclick: onCreate }, 'Save a version now'),
      h('span', { id: 'snapshot-status', 'aria-live': 'polite' }),
    ),
    list === null
      ? errorLine(`Dataset versions: ${describeError(versions)}`)
      : list.length === 0
        ? h('p', { class: 'empty-state', id: 'no-snapshots' }, 'No versions yet.')
        : h(
            'div',
            { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Dataset versions table' },
            h(
              'table',
              { class: 'data-table' },
              h(
                'thead',
                null,
                h('tr', null, ['Version', 'Saved', 'Items', 'Answers', 'Model', 'α', 'SHA-256', 'Download'].map((c, i) =>
                  h('th', { scope: 'col', class: i === 2 || i === 3 || i === 5 ? 'num' : null }, c),
                )),
              ),
              h('tbody', null, rows),
            ),
          ),
  );
}

/** A what-if outcome: a summary line and the workers the rule would have stopped (at most 20 rows). */
export function renderWhatIf(r: WhatIfReport, currency: string): HTMLElement {
  const summary =
    r.stopped.length === 0
      ? `This rule would have stopped nobody (${formatCount(r.answers)} answers replayed).`
      : `This rule would have stopped ${formatCount(r.stopped.length)} workers and not bought ${formatCount(r.answersRemoved)} of ${formatCount(r.answers)} answers (${formatMoney(r.costSavedMinor, currency)}); ${formatCount(r.labelsChanged)} of ${formatCount(r.itemsCompared)} labels would differ and ${formatCount(r.itemsLeftWithoutAnswers)} items would have no answer yet.`;
  return h(
    'div',
    null,
    h('p', { 'data-testid': 'whatif-summary' }, summary),
    r.stopped.length === 0
      ? null
      : h(
          'table',
          { class: 'data-table' },
          h('thead', null, h('tr', null, ['Worker', 'Why', 'Gold record then', 'Answers not bought'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            null,
            r.stopped.slice(0, 20).map((w) =>
              h(
                'tr',
                { 'data-testid': 'whatif-worker' },
                h('th', { scope: 'row' }, String(w.worker)),
                h('td', null, w.reason === 'speed' ? `median ${w.medianSeconds.toFixed(1)} s` : `accuracy ${formatPercent(w.goldAccuracy)}`),
                h('td', null, `${formatCount(w.goldCorrect)} of ${formatCount(w.goldAnswered)} right`),
                h('td', { class: 'num' }, formatCount(w.answersRemoved)),
              ),
            ),
          ),
        ),
  );
}

/** The latest 24 buckets of drift, newest first: answers, gold accuracy, and the share of each label. */
export function renderDrift(report: DriftReport | unknown): HTMLElement {
  const r = report && typeof report === 'object' && Array.isArray((report as DriftReport).buckets) ? (report as DriftReport) : null;
  const latest = r ? [...r.buckets].reverse().slice(0, 24) : [];
  const rows = latest.map((b) => {
    const normal = Object.values(b.labels).reduce((a, n) => a + n, 0);
    return h(
      'tr',
      { 'data-testid': 'drift' },
      h('th', { scope: 'row' }, formatDateTime(b.start)),
      h('td', { class: 'num' }, formatCount(b.answers)),
      h('td', { class: 'num' }, b.goldAccuracy === null ? '—' : `${formatPercent(b.goldAccuracy)} of ${formatCount(b.goldAnswers)}`),
      h('td', null, r!.labels.map((l) => `${l} ${normal === 0 ? '—' : formatPercent((b.labels[l] ?? 0) / normal, undefined, 0)}`).join(' · ')),
    );
  });
  return h(
    'div',
    { class: 'drift', id: 'drift' },
    h('h3', null, 'Drift'),
    r === null
      ? errorLine(`Drift: ${describeError(report)}`)
      : rows.length === 0
        ? h('p', { class: 'muted' }, 'No answers yet.')
        : h(
            'div',
            { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Drift by hour' },
            h(
              'table',
              { class: 'data-table' },
              h('thead', null, h('tr', null, ['Hour (newest first)', 'Answers', 'Gold right', 'Labels of normal answers'].map((c, i) => h('th', { scope: 'col', class: i === 1 || i === 2 ? 'num' : null }, c)))),
              h('tbody', null, rows),
            ),
          ),
  );
}

const RISK_NAMES: Record<string, string> = {
  LOW_GOLD_ACCURACY: 'Low gold accuracy',
  TOO_FAST: 'Too fast',
  STRAIGHT_LINING: 'Same label every time',
  COLLUSION: 'Agrees suspiciously with another worker',
};

/** Workers with risk flags (flagged first, as the server orders them), at most 50 rows; the error when unreadable. */
/** What the workers table can do besides listing: block (console), set skills (console), show a worker's confusion matrix. */
export interface WorkerActions {
  onBlock?: (worker: Id, blocked: boolean, button: HTMLButtonElement) => void;
  onSkills?: (worker: Id, skills: string[], button: HTMLButtonElement) => void;
  /** The worker's confusion matrix (or why there is none), rendered. */
  confusion?: (worker: Id) => Promise<Node>;
}

export function renderWorkers(report: WorkersReport | unknown, actions: WorkerActions = {}): HTMLElement {
  const { onBlock, onSkills, confusion } = actions;
  const r = report && typeof report === 'object' && Array.isArray((report as WorkersReport).workers) ? (report as WorkersReport) : null;
  const flagged = r ? r.workers.filter((w) => w.flags.length > 0).length : 0;
  const pct = (v: number | null) => (v === null ? '—' : formatPercent(v));
  const columns = ['Worker', 'Answers', 'Gold accuracy (90% interval)', 'Median time', 'Agrees with crowd', 'Flags', ...(onSkills ? ['Skills'] : []), ...(confusion || onBlock ? [''] : [])];
  const rows = (r?.workers ?? []).slice(0, 50).flatMap((w) => {
    const detail = h('tr', { class: 'worker-detail', hidden: true, 'data-testid': 'worker-detail' }, h('td', { colspan: columns.length }));
    const row = h(
      'tr',
      { 'data-testid': 'worker', 'data-flags': w.flags.join(' ') },
      h('th', { scope: 'row' }, String(w.worker)),
      h('td', { class: 'num' }, formatCount(w.answers)),
      h('td', null, w.goldAccuracy === null ? '—' : `${pct(w.goldAccuracy)} (${pct(w.goldAccuracyLow)}–${pct(w.goldAccuracyHigh)}, ${formatCount(w.goldAnswered)} golds)`),
      h('td', { class: 'num' }, w.medianSeconds === null ? '—' : `${w.medianSeconds.toFixed(1)} s`),
      h('td', { class: 'num' }, pct(w.crowdAgreement)),
      h('td', null, w.flags.length === 0 ? '—' : w.flags.map((f) => RISK_NAMES[f] ?? f).join(', ')),
      onSkills ? h('td', null, skillsEditor(w)) : null,
      confusion || onBlock ? h('td', null, h('div', { class: 'actions' }, confusion ? matrixButton(w, detail) : null, onBlock ? blockButton(w) : null)) : null,
    );
    return [row, detail];
  });
  function matrixButton(w: WorkerQuality, detail: HTMLElement): HTMLElement {
    const button = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': 'matrix', 'aria-expanded': 'false' }, 'Matrix') as HTMLButtonElement;
    button.addEventListener('click', () => {
      const open = detail.hidden;
      detail.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      if (!open) return;
      const cell = detail.firstElementChild as HTMLElement;
      replaceChildren(cell, h('p', { class: 'muted' }, 'Loading…'));
      confusion!(w.worker)
        .then((node) => replaceChildren(cell, node))
        .catch((e: unknown) => replaceChildren(cell, errorLine(describeError(e))));
    });
    return button;
  }
  function skillsEditor(w: WorkerQuality): HTMLElement {
    const input = h('input', { value: (w.skills ?? []).join(', '), 'aria-label': `Skills of worker ${String(w.worker)}`, 'data-testid': 'skills', size: 12 }) as HTMLInputElement;
    const save = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': 'skills' }, 'Save') as HTMLButtonElement;
    save.addEventListener('click', () => onSkills!(w.worker, [...new Set(input.value.split(',').map((x) => x.trim()).filter((x) => x.length > 0))], save));
    return h('div', { class: 'inline-form' }, input, save);
  }
  function blockButton(w: WorkerQuality): HTMLElement {
    const blocked = w.blocked === true;
    const button = h(
      'button',
      { type: 'button', class: 'btn btn-quiet', 'data-action': blocked ? 'unblock' : 'block', title: blocked ? 'Let this worker take tasks again' : 'Stop this worker taking tasks in any job' },
      blocked ? 'Unblock' : 'Block',
    ) as HTMLButtonElement;
    button.addEventListener('click', () => onBlock!(w.worker, !blocked, button));
    return button;
  }
  return h(
    'div',
    { class: 'workers', id: 'workers' },
    h('h3', null, 'Workers'),
    r === null
      ? errorLine(`Workers: ${describeError(report)}`)
      : h('p', { 'data-testid': 'workers-summary' }, `${formatCount(r.workers.length)} workers, ${formatCount(flagged)} flagged${r.suspiciousPairs.length > 0 ? `, ${formatCount(r.suspiciousPairs.length)} suspicious pairs` : ''}.`),
    h('div', { id: 'workers-status', 'aria-live': 'polite' }),
    rows.length === 0
      ? null
      : h(
          'div',
          { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Workers table' },
          h(
            'table',
            { class: 'data-table' },
            h('thead', null, h('tr', null, columns.map((c, i) => h('th', { scope: 'col', class: i === 1 || i === 3 || i === 4 ? 'num' : null }, c)))),
            h('tbody', null, rows),
          ),
        ),
  );
}

/** A worker's confusion matrix: one row per true label, the share of his answers given to each label. */
export function renderConfusion(labels: string[], matrix: number[][], caption: string): HTMLElement {
  return h(
    'table',
    { class: 'data-table confusion', 'data-testid': 'confusion' },
    h('caption', null, caption),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'True \\ answered'), labels.map((l) => h('th', { scope: 'col', class: 'num' }, l)))),
    h(
      'tbody',
      null,
      labels.map((truth, i) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, truth),
          labels.map((_, j) => h('td', { class: i === j ? 'num diagonal' : 'num' }, formatPercent(matrix[i]?.[j] ?? 0, undefined, 0))),
        ),
      ),
    ),
  );
}

/** An item's data as short text: a single field's value, or field: value pairs. */
export function describeData(data: Record<string, unknown>): string {
  const entries = Object.entries(data);
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return entries.length === 1 ? text(entries[0]![1]) : entries.map(([k, v]) => `${k}: ${text(v)}`).join(' · ');
}

/**
 * The adjudication queue: items closed at their maximum overlap below the confidence target, least confident first,
 * with the crowd's votes and one button per label. {@code queue} is the error when it could not be read.
 */
export function renderAdjudication(
  queue: AdjudicationQueue | unknown,
  onDecide: (item: string, label: string, button: HTMLButtonElement) => void,
): HTMLElement {
  const q = queue && typeof queue === 'object' && Array.isArray((queue as AdjudicationQueue).items) ? (queue as AdjudicationQueue) : null;
  const rows = (q?.items ?? []).map((item) =>
    h(
      'tr',
      { 'data-testid': 'queue-item', 'data-item': item.item },
      h('th', { scope: 'row' }, item.item),
      h('td', { class: 'item-data' }, describeData(item.data)),
      h('td', null, Object.entries(item.votes).map(([label, n]) => `${label} ${formatCount(n)}`).join(', ')),
      h('td', null, item.crowdLabel === null ? '—' : `${item.crowdLabel} (${formatPercent(item.crowdConfidence)})`),
      h(
        'td',
        null,
        h(
          'div',
          { class: 'actions' },
          q!.labels.map((label) => {
            const button = h('button', { type: 'button', class: 'btn btn-quiet', 'data-label': label }, label) as HTMLButtonElement;
            button.addEventListener('click', () => onDecide(item.item, label, button));
            return button;
          }),
        ),
      ),
    ),
  );
  return h(
    'div',
    { class: 'adjudication', id: 'adjudication' },
    h('h3', null, 'Adjudication'),
    q === null
      ? errorLine(`Adjudication: ${describeError(queue)}`)
      : h(
          'p',
          { 'data-testid': 'queue-summary' },
          q.pending === 0
            ? 'No item is waiting for an expert.'
            : `${formatCount(q.pending)} items closed at their maximum overlap below the ${formatPercent(q.confidenceTarget)} confidence target. Your label replaces the crowd's in results and new dataset versions.`,
        ),
    h('span', { id: 'adjudication-status', 'aria-live': 'polite' }),
    rows.length === 0
      ? null
      : h(
          'div',
          { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Adjudication queue' },
          h(
            'table',
            { class: 'data-table' },
            h('thead', null, h('tr', null, ['Item', 'Data', 'Votes', 'Crowd says', 'Label'].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', null, rows),
          ),
        ),
  );
}

const FLAG_NAMES: Record<string, string> = {
  OK: 'OK',
  PROBABLY_WRONG: 'Probably wrong',
  AMBIGUOUS: 'Ambiguous',
  TOO_FEW_ANSWERS: 'Too few answers',
};

/** Gold health: a summary line and a table of golds, flagged first; the key is shown beside what the crowd says. */
export function renderGoldHealth(
  report: GoldHealthReport,
  onCorrect?: (item: string, label: string, button: HTMLButtonElement) => void,
  onService?: (item: string, retire: boolean, button: HTMLButtonElement, voidAnswers: boolean) => void,
): HTMLElement {
  const flagged = report.probablyWrong + report.ambiguous;
  const retired = report.golds.filter((g) => g.retiredAt).length;
  const golds = retired === 0 ? `${formatCount(report.golds.length)} golds` : `${formatCount(report.golds.length)} golds (${formatCount(retired)} retired)`;
  const summary =
    report.golds.length === 0
      ? 'This job has no golds.'
      : flagged === 0
        ? `${golds}, none flagged.`
        : `${golds}: ${formatCount(report.probablyWrong)} probably wrong, ${formatCount(report.ambiguous)} ambiguous.`;
  const rows = goldsToReview(report.golds).map((g) =>
    h(
      'tr',
      { 'data-testid': 'gold', 'data-flag': g.flag, 'data-retired': g.retiredAt ? 'true' : 'false' },
      h('th', { scope: 'row' }, g.item),
      h('td', null, g.goldLabel),
      h('td', null, g.crowdLabel === null ? '—' : `${g.crowdLabel} (${formatPercent(g.crowdConfidence ?? 0)})`),
      h('td', { class: 'num' }, g.shareCorrect === null ? '—' : `${formatPercent(g.shareCorrect)} of ${formatCount(g.answered)}`),
      h('td', { class: 'num' }, formatCount(g.shown)),
      h('td', null, g.voidedAt
        ? h('span', { class: 'badge badge-other', title: `Voided ${formatDateTime(g.voidedAt)}: its answers count for no one` }, 'Voided')
        : g.retiredAt
          ? h('span', { class: 'badge badge-other', title: `Retired ${formatDateTime(g.retiredAt)}` }, 'Retired')
          : h('span', { class: `badge badge-flag-${g.flag.toLowerCase()}` }, FLAG_NAMES[g.flag] ?? g.flag)),
      h('td', null, h('div', { class: 'actions' }, fixButton(g), serviceButton(g), voidButton(g))),
    ),
  );
  function voidButton(g: GoldHealthReport['golds'][number]): HTMLElement | null {
    // For a gold with no right key: its answers stop counting, and the rejections they supported are reversed and paid.
    if (!onService || g.voidedAt || g.flag !== 'AMBIGUOUS') return null;
    const button = h(
      'button',
      { type: 'button', class: 'btn btn-quiet', 'data-action': 'void-gold', title: 'Retire it, and take its answers out of every worker’s record' },
      'Retire and void answers',
    ) as HTMLButtonElement;
    button.addEventListener('click', () => onService(g.item, true, button, true));
    return button;
  }
  function serviceButton(g: GoldHealthReport['golds'][number]): HTMLElement | null {
    if (!onService || g.voidedAt) return null;
    const retire = !g.retiredAt;
    const button = h(
      'button',
      { type: 'button', class: 'btn btn-quiet', 'data-action': retire ? 'retire-gold' : 'restore-gold', title: retire ? 'Serve it to no one from now on; its answers keep their scores' : 'Serve it again' },
      retire ? 'Retire' : 'Restore',
    ) as HTMLButtonElement;
    button.addEventListener('click', () => onService(g.item, retire, button, false));
    return button;
  }
  function fixButton(g: GoldHealthReport['golds'][number]): HTMLElement | null {
    if (!onCorrect || g.retiredAt || g.flag !== 'PROBABLY_WRONG' || g.crowdLabel === null || g.crowdLabel === g.goldLabel) return null;
    const label = g.crowdLabel;
    const button = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': 'correct-gold' }, `Set key to ${label}`) as HTMLButtonElement;
    button.addEventListener('click', () => onCorrect(g.item, label, button));
    return button;
  }
  return h(
    'div',
    { class: 'gold-health', id: 'gold-health' },
    h('h3', null, 'Gold health'),
    h('p', { 'data-testid': 'gold-summary' }, summary),
    h('div', { id: 'gold-fix-status', 'aria-live': 'polite' }),
    h(
      'p',
      { class: 'muted small' },
      `A gold is flagged probably wrong when the crowd, weighing each answer by the worker's record on other golds, gives another label with ${formatPercent(report.wrongConfidence)} confidence or more; ambiguous when fewer than ${formatPercent(report.ambiguousShare)} of its answers match the key. Each needs ${formatCount(report.minAnswers)} answers.`,
    ),
    report.golds.length === 0
      ? null
      : h(
          'div',
          { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Gold health table' },
          h(
            'table',
            { class: 'data-table' },
            h('thead', null, h('tr', null, ['Gold', 'Key', 'Crowd says', 'Matching the key', 'Shown', 'Flag', ''].map((c, i) => h('th', { scope: 'col', class: i === 3 || i === 4 ? 'num' : null }, c)))),
            h('tbody', null, rows),
          ),
        ),
  );
}

function progressHeading(job: Job): HTMLElement {
  return h('div', { class: 'progress-head' }, h('h2', { id: 'progress-title' }, job.title), statusBadge(job.status));
}

const STATUS_NAMES: Record<string, string> = {
  DRAFT: 'Draft',
  PUBLISHED: 'Running',
  PAUSED: 'Paused',
  COMPLETED: 'Completed',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Ended at its deadline',
};

/** The workers' agreement on the job's items; {@code a} is the error when it could not be read. */
export function renderAgreement(a: JobAgreement | unknown): HTMLElement {
  const ok = a !== null && typeof a === 'object' && 'itemsUsed' in a;
  // A side figure: when it cannot be read, a quiet line, not an alert among the sections' own.
  if (!ok) return h('p', { class: 'muted small', 'data-testid': 'agreement' }, `Agreement could not be read: ${describeError(a)}`);
  const r = a as JobAgreement;
  return h(
    'p',
    { 'data-testid': 'agreement' },
    r.krippendorffAlpha == null
      ? 'Agreement: not yet measurable (no item has two answers, or all answers carry one label).'
      : `Agreement on ${formatCount(r.itemsUsed)} items with two or more answers: Krippendorff’s α ${r.krippendorffAlpha.toFixed(2)}, Fleiss’ κ ${r.fleissKappa == null ? '—' : r.fleissKappa.toFixed(2)}.`,
  );
}

/**
 * Whether items closed at the job's confidence target are right as often as it says, judged on golds replayed as
 * items; {@code c} is the error when it could not be read.
 */
export function renderConfidenceCheck(
  c: ConfidenceCheck | unknown,
  onUse?: (target: number, button: HTMLButtonElement, out: HTMLElement) => void,
  onUseValue?: (labelValueMinor: number, button: HTMLButtonElement, out: HTMLElement) => void,
  currency = 'USD',
): HTMLElement {
  const ok = c !== null && typeof c === 'object' && 'closedAtTarget' in c;
  if (!ok) return h('p', { class: 'muted small', 'data-testid': 'confidence-check' }, `Confidence check could not be read: ${describeError(c)}`);
  const r = c as ConfidenceCheck;
  const target = formatPercent(r.confidenceTarget);
  const byValue = r.closedByValue ?? 0;
  const valueLine =
    r.labelValueMinor != null && byValue > 0
      ? h(
          'p',
          { 'data-testid': 'confidence-by-value' },
          `At your label value, ${formatCount(byValue)} ${byValue === 1 ? 'gold' : 'golds'} would have closed before the target, where more answers were not worth their price: ${formatPercent((r.rightByValue ?? 0) / byValue)} of them right.`,
        )
      : null;
  if (r.closedAtTarget === 0 || r.accuracyAtTarget == null) {
    const none = h(
      'p',
      { class: 'muted small', 'data-testid': 'confidence-check' },
      `Confidence check: no gold has enough answers yet to tell whether items closed at ${target} are right ${target} of the time.`,
    );
    const calibration = calibrationLine(r);
    return valueLine || calibration ? h('div', { class: 'confidence-check' }, none, calibration, valueLine) : none;
  }
  const summary = h(
    'p',
    { 'data-testid': 'confidence-check', class: r.belowTarget ? 'alert alert-warn' : undefined },
    `Confidence check on golds replayed as items: ${formatCount(r.closedAtTarget)} would have closed at your ${target} target, and ${formatPercent(r.accuracyAtTarget)} of them were right`,
    r.accuracyLow != null && r.accuracyHigh != null ? ` (90% interval ${formatPercent(r.accuracyLow)}–${formatPercent(r.accuracyHigh)})` : '',
    '.',
    r.belowTarget
      ? ` Items closed at the target are right less often than it says: raise the target or the minimum answers per item${r.calibrateConfidence === false ? ', or calibrate confidence on golds (Settings)' : ''}. Results from auto aggregation state confidences calibrated on gold.`
      : '',
  );
  const rows = r.targets ?? [];
  const calibration = calibrationLine(r);
  if (rows.length === 0) return valueLine || calibration ? h('div', { class: 'confidence-check' }, summary, calibration, valueLine) : summary;
  const out = h('div', { id: 'target-status', 'aria-live': 'polite' });
  const table = ladderTable(
    'target-ladder',
    'The same golds at other targets: answers an item would take, and how often the closed ones were right.',
    ['Target', 'Answers per item', 'Right', 'Closed at target'],
    rows.map((t) => {
      const current = Math.abs(t.target - r.confidenceTarget) < 1e-9;
      return { kind: 'target', key: t.target, current, first: formatPercent(t.target), answersPerClosed: t.answersPerClosed, right: shareOf(t.accuracy, t.closed), last: shareOf(t.accuracyAtTarget, t.closedAtTarget) };
    }),
    onUse,
    out,
  );
  const values = r.values ?? [];
  const valueTable =
    values.length === 0
      ? null
      : ladderTable(
          'value-ladder',
          'What a right label is worth to you: the same golds at your target, each item buying answers only while they are worth their price.',
          ['A right label is worth', 'Answers per item', 'Right', 'Closed by value'],
          values.map((v) => {
            const worth = `${formatMoney(v.labelValueMinor, currency)} (${Number.isInteger(v.answersWorth) ? v.answersWorth : v.answersWorth.toFixed(1)} answers)`;
            const current = r.labelValueMinor != null && v.labelValueMinor === r.labelValueMinor;
            return { kind: 'value', key: v.labelValueMinor, current, first: worth, answersPerClosed: v.answersPerClosed, right: shareOf(v.accuracy, v.closed), last: formatCount(v.closedByValue) };
          }),
          onUseValue,
          out,
        );
  return h('div', { class: 'confidence-check' }, summary, calibration, valueLine, table, valueTable, out);
}

/** How the calibration on golds changes what the job's target delivers; null where it is off or not yet fitted. */
export function calibrationLine(r: ConfidenceCheck): HTMLElement | null {
  if (!r.calibrateConfidence || r.confidenceBeta == null) return null;
  const u = r.uncalibrated;
  return h(
    'p',
    { 'data-testid': 'confidence-calibration' },
    `Confidence is calibrated on your golds: each answer counts ×${r.confidenceBeta.toFixed(2)} as evidence.`,
    u && u.closedAtTarget > 0 && u.accuracyAtTarget != null
      ? ` Uncalibrated, ${formatCount(u.closedAtTarget)} ${u.closedAtTarget === 1 ? 'gold' : 'golds'} would have closed at your target, ${formatPercent(u.accuracyAtTarget)} of them right, with ${u.answersPerClosed == null ? '—' : u.answersPerClosed.toFixed(2)} answers per item.`
      : '',
  );
}

/** "80% of 75", or a dash when nothing closed. */
function shareOf(accuracy: number | null, closed: number): string {
  return accuracy == null ? '—' : `${formatPercent(accuracy)} of ${formatCount(closed)}`;
}

/** One row of a ladder: the setting replayed ({@code key}, shown as {@code first}) and what the golds did under it. */
interface LadderRow {
  kind: 'target' | 'value';
  key: number;
  current: boolean;
  first: string;
  answersPerClosed: number | null;
  right: string;
  last: string;
}

/** The same golds replayed under several settings, each row with a "Use" button (where allowed) that sets it. */
function ladderTable(
  id: string,
  caption: string,
  headings: string[],
  rows: LadderRow[],
  onUse: ((key: number, button: HTMLButtonElement, out: HTMLElement) => void) | undefined,
  out: HTMLElement,
): HTMLElement {
  return h(
    'table',
    { class: 'data-table', id },
    h('caption', { class: 'muted small' }, caption),
    h('thead', null, h('tr', null, [...headings, ''].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      null,
      rows.map((row) => {
        let use: HTMLElement | null = null;
        if (!row.current && onUse) {
          const button = h('button', { type: 'button', class: 'btn', [`data-${row.kind}`]: String(row.key) }, 'Use') as HTMLButtonElement;
          button.addEventListener('click', () => onUse(row.key, button, out));
          use = button;
        }
        return h(
          'tr',
          { 'data-testid': `${row.kind}-row`, class: row.current ? 'current' : undefined },
          h('td', null, row.first, row.current ? ' (now)' : ''),
          h('td', { class: 'num' }, row.answersPerClosed == null ? '—' : row.answersPerClosed.toFixed(2)),
          h('td', { class: 'num' }, row.right),
          h('td', { class: 'num' }, row.last),
          h('td', null, use),
        );
      }),
    ),
  );
}

export function statusBadge(status: string): HTMLElement {
  const known = Object.hasOwn(STATUS_NAMES, status);
  return h(
    'span',
    { class: `badge badge-${known ? status.toLowerCase() : 'other'}`, 'data-status': status },
    known ? STATUS_NAMES[status]! : status,
  );
}

function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

function stat(label: string, value: string, testId: string): HTMLElement {
  return h('div', { class: 'stat' }, h('dt', null, label), h('dd', { 'data-testid': testId }, value));
}

function errorLine(message: string): HTMLElement {
  return h('p', { class: 'alert alert-error', role: 'alert' }, message);
}
