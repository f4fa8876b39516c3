import { afterEach, describe, expect, it, vi } from 'vitest';
import { RequesterApi, type Job } from '../api/requester';
import { HttpClient } from '@common/lib/http';
import { flush, json, problem } from '@common/test/fakes';
import { dashboardView, renderAgreement, renderConfidenceCheck, renderJobRow, statusBadge, type DashboardOptions } from './dashboard';
import type { View } from '@common/views/view';

const jobs: Job[] = [
  { id: 1, title: 'Cats vs dogs', status: 'PUBLISHED', rewardMinor: 4, overlapMin: 3, overlapMax: 5, goldRate: 0.1, itemCount: 1200, goldCount: 40, createdAt: '2025-04-01T09:00:00Z' },
  { id: 2, title: 'Toxicity', status: 'DRAFT', rewardMinor: 12, overlapMin: 1, overlapMax: 1, goldRate: 0, itemCount: 0, goldCount: 0, createdAt: '2025-04-02T09:00:00Z' },
];
const progress = {
  itemsTotal: 1200, itemsDone: 300, answers: 1010, goldAnswers: 50, goldCorrect: 45, costSoFarMinor: 4040, reservedMinor: 20000,
  projectedCostMinor: 13000, answersPerClosedItem: 3.366,
};

let view: View | null = null;
afterEach(() => {
  view?.dispose?.();
  view = null;
  document.body.replaceChildren();
});

function mount(routes: Record<string, () => Response>, options: Partial<DashboardOptions> = {}) {
  const calls: string[] = [];
  const fetch = async (url: string) => {
    calls.push(url);
    const handler = routes[url];
    return handler ? handler() : problem(404, { title: 'Not found' });
  };
  view = dashboardView({ api: new RequesterApi(new HttpClient({ fetch })), ...options });
  document.body.replaceChildren(view.element);
  return calls;
}

const account = () => json(200, { availableMinor: 150000, reservedMinor: 20000, spentMinor: 4040, currency: 'USD' });
const $ = (s: string) => document.querySelector<HTMLElement>(s)!;

describe('dashboard', () => {
  it('shows the balance and the jobs table', async () => {
    mount({ '/api/account': account, '/api/jobs': () => json(200, jobs) });
    await flush();

    expect($('#balance').dataset.state).toBe('ready');
    expect($('#jobs').dataset.state).toBe('ready');
    expect($('#balance [data-testid=balance-available]').textContent).toBe('$1,500.00');
    expect($('#balance [data-testid=balance-reserved]').textContent).toBe('$200.00');
    expect($('#balance [data-testid=balance-spent]').textContent).toBe('$40.40');

    const rows = [...document.querySelectorAll('#jobs tbody tr')];
    expect(rows).toHaveLength(2);
    const cells = [...rows[0]!.children].map((c) => c.textContent);
    expect(cells.slice(0, 7)).toEqual(['Cats vs dogs', 'Running', '$0.04', '3–5', '10%', '1,200', '40']);
    expect(rows[1]!.children[3]!.textContent).toBe('1');
  });

  it('shows the chosen job’s gold health with flagged golds first, and keeps the progress when it cannot be read', async () => {
    const gold = (item: string, flag: string, shareCorrect: number | null, crowdLabel: string | null) => ({
      item, goldLabel: 'cat', shown: 9, answered: 8, correct: 0, shareCorrect, crowdLabel, crowdConfidence: crowdLabel ? 0.97 : null, crowdAnswers: 8, flag,
    });
    const report = {
      jobId: 1, wrongConfidence: 0.95, ambiguousShare: 0.5, minAnswers: 5, probablyWrong: 1, ambiguous: 1,
      golds: [gold('g-ok', 'OK', 0.9, 'cat'), gold('g-split', 'AMBIGUOUS', 0.4, 'cat'), gold('g-new', 'TOO_FEW_ANSWERS', null, null), gold('g-bad', 'PROBABLY_WRONG', 0.1, 'dog')],
    };
    let voidResponse = false;
    const calls = mount({
      '/api/account': account, '/api/jobs': () => json(200, jobs), '/api/jobs/1/progress': () => json(200, progress), '/api/jobs/1/golds/health': () => json(200, report),
      '/api/jobs/1/golds/retire': () =>
        voidResponse
          ? json(200, { item: 'g-split', retired: true, retiredAt: '2025-04-03T09:05:00Z', voidedAt: '2025-04-03T09:05:00Z', goldsInService: 2, answersVoided: 8, workersRescored: 8, rejectionsReversed: 1, paidMinor: 10 })
          : json(200, { item: 'g-ok', retired: true, retiredAt: '2025-04-03T09:00:00Z', goldsInService: 3 }),
      '/api/jobs/1/golds/corrections': () =>
        json(200, { item: 'g-bad', oldLabel: 'cat', newLabel: 'dog', answersRescored: 8, workersRescored: 8, rejectionsReversed: 2, paidMinor: 20 }),
    });
    await flush();
    $('[data-job-id="1"] [data-testid=select-job]').click();
    await flush();
    expect($('[data-testid=gold-summary]').textContent).toBe('4 golds: 1 probably wrong, 1 ambiguous.');
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid=gold]')];
    expect(rows.map((r) => r.dataset.flag)).toEqual(['PROBABLY_WRONG', 'AMBIGUOUS', 'OK', 'TOO_FEW_ANSWERS']);
    expect([...rows[0]!.children].slice(0, 6).map((c) => c.textContent)).toEqual(['g-bad', 'cat', 'dog (97%)', '10% of 8', '9', 'Probably wrong']);
    expect([...rows[0]!.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Set key to dog', 'Retire']);
    expect(rows[3]!.children[2]!.textContent).toBe('—');
    expect(rows.slice(1).every((r) => r.querySelector('[data-action=correct-gold]') === null)).toBe(true);
    rows[0]!.querySelector<HTMLButtonElement>('[data-action=correct-gold]')!.click();
    await flush();
    await flush();
    expect(calls).toContain('/api/jobs/1/golds/corrections');
    expect($('#gold-fix-status').textContent).toBe('g-bad: key set to dog; 8 answers re-scored, 2 rejections reversed ($0.20 paid).');
    // Retiring a gold: the server's answer is reported, the table shows it retired with a Restore button.
    report.golds[0] = { ...report.golds[0]!, retiredAt: '2025-04-03T09:00:00Z' } as (typeof report.golds)[number];
    document.querySelector<HTMLElement>('[data-flag=OK] [data-action=retire-gold]')!.click();
    await flush();
    await flush();
    expect(calls).toContain('/api/jobs/1/golds/retire');
    expect($('#gold-fix-status').textContent).toBe('g-ok: retired, served to no one from now on; 3 golds in service.');
    const ok = $('[data-flag=OK]');
    expect(ok.dataset.retired).toBe('true');
    expect(ok.children[5]!.textContent).toBe('Retired');
    expect(ok.querySelector('[data-action=restore-gold]')).not.toBeNull();
    expect($('[data-testid=gold-summary]').textContent).toBe('4 golds (1 retired): 1 probably wrong, 1 ambiguous.');
    // Only the ambiguous gold offers to void its answers; voided, it offers nothing more.
    expect(document.querySelectorAll('[data-action=void-gold]')).toHaveLength(1);
    voidResponse = true;
    report.golds[1] = { ...report.golds[1]!, retiredAt: '2025-04-03T09:05:00Z', voidedAt: '2025-04-03T09:05:00Z' } as (typeof report.golds)[number];
    $('[data-flag=AMBIGUOUS] [data-action=void-gold]').click();
    await flush();
    await flush();
    expect($('#gold-fix-status').textContent).toBe('g-split: retired and voided: 8 answers no longer count, 1 rejections reversed ($0.10 paid); 2 golds in service.');
    const split = $('[data-flag=AMBIGUOUS]');
    expect(split.children[5]!.textContent).toBe('Voided');
    expect(split.querySelectorAll('button')).toHaveLength(0);

    view?.dispose?.();
    mount({ '/api/account': account, '/api/jobs': () => json(200, jobs), '/api/jobs/1/progress': () => json(200, progress) });
    await flush();
    $('[data-job-id="1"] [data-testid=select-job]').click();
    await flush();
    expect($('#progress').dataset.state).toBe('ready');
    expect($('#progress-summary').textContent).toBe('300 of 1,200 items done (25%)');
    expect($('#progress [role=alert]').textContent).toMatch(/^Gold health: /);
    expect(document.querySelector('#gold-health')).toBeNull();
  });

  it('lists a job’s dataset versions with downloads and saves a new one', async () => {
    const snapshot = (version: number) => ({
      jobId: 1, version, createdAt: '2025-04-03T09:00:00Z', createdBy: 7, method: 'auto', model: 'auto:ds(a=0.01,d=0)', iterations: 12,
      answers: 900 + version, lastAnswerAt: '2025-04-03T08:59:00Z', items: 300, goldItems: 40, workers: 25,
      krippendorffAlpha: version === 1 ? 0.734 : null, fleissKappa: 0.7, contentSha256: 'ab'.repeat(32),
    });
    const saved = [snapshot(1)];
    const requests: string[] = [];
    const fetch = async (url: string, init?: RequestInit) => {
      requests.push(`${init?.method ?? 'GET'} ${url}`);
      if (url === '/api/account') return account();
      if (url === '/api/jobs') return json(200, jobs);
      if (url === '/api/jobs/1/progress') return json(200, progress);
      if (url === '/api/jobs/1/snapshots' && init?.method === 'POST') {
        const s = snapshot(saved.length + 1);
        saved.unshift(s);
        return json(201, s);
      }
      if (url === '/api/jobs/1/snapshots') return json(200, [...saved]);
      if (url === '/api/jobs/2/snapshots' && init?.method === 'POST') return problem(409, { title: 'Conflict', detail: 'no item of this job has an answer yet' });
      if (url === '/api/jobs/2/progress') return json(200, { ...progress, itemsDone: 0 });
      if (url === '/api/jobs/2/snapshots') return json(200, []);
      return problem(404, { title: 'Not found' });
    };
    view = dashboardView({ api: new RequesterApi(new HttpClient({ fetch })) });
    document.body.replaceChildren(view.element);
    await flush();
    $('[data-job-id="1"] [data-testid=select-job]').click();
    await flush();

    let rows = [...document.querySelectorAll<HTMLElement>('[data-testid=snapshot]')];
    expect(rows.map((r) => r.dataset.version)).toEqual(['1']);
    const cells = [...rows[0]!.children].map((c) => c.textContent);
    expect(cells.slice(0, 7)).toEqual(['v1', cells[1], '300', '901', 'auto:ds(a=0.01,d=0)', '0.73', 'abababababab']);
    const links = [...rows[0]!.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('download')]);
    expect(links).toEqual([
      ['CSV', '/api/jobs/1/snapshots/1/items?format=csv', 'job-1-v1.csv'],
      ['JSONL', '/api/jobs/1/snapshots/1/items?format=jsonl', 'job-1-v1.jsonl'],
      ['Label Studio', '/api/jobs/1/snapshots/1/items?format=label-studio', 'job-1-v1-label-studio.json'],
    ]);

    ($('#create-snapshot') as HTMLButtonElement).click();
    await flush();
    await flush();
    expect(requests).toContain('POST /api/jobs/1/snapshots');
    rows = [...document.querySelectorAll<HTMLElement>('[data-testid=snapshot]')];
    expect(rows.map((r) => r.dataset.version)).toEqual(['2', '1']);
    expect(rows[0]!.children[5]!.textContent).toBe('—');
    expect($('#snapshot-status').textContent).toBe('Version 2 saved: 300 items.');

    // A job without answers: the server's reason shows, the button can be pressed again.
    $('[data-job-id="2"] [data-testid=select-job]').click();
    await flush();
    expect($('#no-snapshots').textContent).toBe('No versions yet.');
    ($('#create-snapshot') as HTMLButtonElement).click();
    await flush();
    expect($('#snapshot-status [role=alert]').textContent).toBe('No item of this job has an answer yet');
    expect(($('#create-snapshot') as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows the items waiting for an expert and records a label, one click per item', async () => {
    const waiting = [
      { item: 'i3', data: { text: 'review number 3' }, crowdLabel: 'negative', crowdConfidence: 0.5, answers: 2, votes: { negative: 1, positive: 1 }, closedAt: '2025-04-03T09:00:00Z' },
      { item: 'i7', data: { text: 'review number 7', lang: 'en' }, crowdLabel: 'positive', crowdConfidence: 0.61, answers: 2, votes: { positive: 1, negative: 1 }, closedAt: '2025-04-03T09:00:00Z' },
    ];
    const requests: string[] = [];
    let failNext = false;
    const fetch = async (url: string, init?: RequestInit) => {
      requests.push(`${init?.method ?? 'GET'} ${url}${init?.body ? ' ' + String(init.body) : ''}`);
      if (url === '/api/account') return account();
      if (url === '/api/jobs') return json(200, jobs);
      if (url === '/api/jobs/1/progress') return json(200, progress);
      if (url === '/api/jobs/1/adjudication?limit=20') return json(200, { jobId: 1, labels: ['positive', 'negative'], confidenceTarget: 0.9, pending: waiting.length, items: [...waiting] });
      if (url === '/api/jobs/1/adjudication' && init?.method === 'POST') {
        if (failNext) return problem(409, { title: 'Conflict', detail: 'item i7 is a gold: its label is its key' });
        const { item, label } = JSON.parse(String(init.body)) as { item: string; label: string };
        waiting.splice(waiting.findIndex((w) => w.item === item), 1);
        return json(200, { item, label });
      }
      return problem(404, { title: 'Not found' });
    };
    view = dashboardView({ api: new RequesterApi(new HttpClient({ fetch })) });
    document.body.replaceChildren(view.element);
    await flush();
    $('[data-job-id="1"] [data-testid=select-job]').click();
    await flush();

    expect($('[data-testid=queue-summary]').textContent).toMatch(/^2 items closed at their maximum overlap below the 90% confidence target/);
    let rows = [...document.querySelectorAll<HTMLElement>('[data-testid=queue-item]')];
    expect([...rows[0]!.children].slice(0, 4).map((c) => c.textContent)).toEqual(['i3', 'review number 3', 'negative 1, positive 1', 'negative (50%)']);
    expect(rows[1]!.children[1]!.textContent).toBe('text: review number 7 · lang: en');

    rows[0]!.querySelector<HTMLButtonElement>('[data-label=negative]')!.click();
    await flush();
    await flush();
    expect(requests).toContain('POST /api/jobs/1/adjudication {"item":"i3","label":"negative"}');
    rows = [...document.querySelectorAll<HTMLElement>('[data-testid=queue-item]')];
    expect(rows.map((r) => r.dataset.item)).toEqual(['i7']);
    expect($('#adjudication-status').textContent).toBe('i3: negative.');

    failNext = true;
    rows[0]!.querySelector<HTMLButtonElement>('[data-label=positive]')!.click();
    await flush();
    expect($('#adjudication-status [role=alert]').textContent).toBe('i7: Item i7 is a gold: its label is its key');
    expect(rows[0]!.querySelector<HTMLButtonElement>('[data-label=positive]')!.disabled).toBe(false);
  });

  it('shows the job’s workers with their risk flags, flagged first', async () => {
    const worker = (id: number, flags: string[], goldAccuracy: number | null) => ({
      worker: id, answers: 40, goldAnswered: goldAccuracy === null ? 0 : 8, goldCorrect: 6, goldAccuracy, goldAccuracyLow: goldAccuracy && goldAccuracy - 0.2,
      goldAccuracyHigh: goldAccuracy && goldAccuracy + 0.1, medianSeconds: 1.25, crowdAgreement: 0.5, topLabelShare: 1, flags,
    });
    const report = { jobId: 1, jobMedianSeconds: 9, jobTopLabelShare: 0.5, minAccuracy: 0, workers: [worker(7, ['TOO_FAST', 'STRAIGHT_LINING'], 0.75), worker(8, [], null)], suspiciousPairs: [] };
    mount({
      '/api/account': account, '/api/jobs': () => json(200, jobs), '/api/jobs/1/progress': () => json(200, progress), '/api/jobs/1/workers': () => json(200, report),
      '/api/jobs/1/agreement': () => json(200, { jobId: 1, krippendorffAlpha: 0.612, fleissKappa: 0.6105, itemsUsed: 310 }),
      '/api/jobs/1/snapshots': () =>
        json(200, [1, 2].map((version) => ({
          jobId: 1, version, createdAt: '2025-04-03T09:00:00Z', createdBy: 7, method: 'auto', model: 'ds(a=0.1)', iterations: 12, answers: 900, lastAnswerAt: null,
          items: 300, goldItems: 40, workers: 25, krippendorffAlpha: 0.7, fleissKappa: 0.7, contentSha256: 'ab'.repeat(32),
        }))),
      '/api/jobs/1/snapshots/2/workers': () =>
        json(200, { version: 2, model: 'ds(a=0.1)', labels: ['cat', 'dog'], workers: [{ worker: 7, answers: 40, confusion: [[0.9, 0.1], [0.25, 0.75]] }] }),
    });
    await flush();
    $('[data-job-id="1"] [data-testid=select-job]').click();
    await flush();
    expect($('[data-testid=agreement]').textContent).toBe('Agreement on 310 items with two or more answers: Krippendorff’s α 0.61, Fleiss’ κ 0.61.');
    expect($('[data-testid=workers-summary]').textContent).toBe('2 workers, 1 flagged.');
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid=worker]')];
    expect([...rows[0]!.children].slice(0, 6).map((c) => c.textContent)).toEqual(['7', '40', '75% (55%–85%, 8 golds)', '1.3 s', '50%', 'Too fast, Same label every time']);
    expect(document.querySelector('[data-testid=skills]')).toBeNull(); // skills are set from the console

    // The worker's confusion matrix from the latest version, read when opened; a worker not in it is said so.
    rows[0]!.querySelector<HTMLButtonElement>('[data-action=matrix]')!.click();
    await flush();
    await flush();
    const matrix = rows[0]!.nextElementSibling as HTMLElement;
    expect(matrix.hidden).toBe(false);
    expect(matrix.querySelector('caption')!.textContent).toBe('Version 2 (ds(a=0.1)), 40 answers');
    expect([...matrix.querySelector('table')!.tBodies[0]!.rows].map((tr) => [...tr.children].map((c) => c.textContent))).toEqual([
      ['cat', '90%', '10%'],
      ['dog', '25%', '75%'],
    ]);
    rows[1]!.querySelector<HTMLButtonElement>('[data-action=matrix]')!.click();
    await flush();
    expect((rows[1]!.nextElementSibling as HTMLElement).textContent).toBe('Worker 8 had no answers in version 2.');
    rows[0]!.querySelector<HTMLButtonElement>('[data-action=matrix]')!.click();
    expect(matrix.hidden).toBe(true);
    expect(rows[1]!.children[2]!.textContent).toBe('—');
    expect(rows[1]!.children[5]!.textContent).toBe('—');
  });

  it('lists the answers evidence speaks against and rejects one with the reason typed', async () => {
    const candidate = (id: string, evidence: string[], crowdLabel: string | null) => ({
      assignmentId: id, item: `i-${id}`, worker: 9, label: 'cat', submittedAt: '2025-04-03T09:00:00Z', windowClosesAt: '2025-04-04T09:00:00Z',
      crowdLabel, crowdConfidence: crowdLabel ? 0.93 : null, goldAnswered: 4, goldFailed: 3, evidence,
    });
    let held = false;
    const calls = mount({
      '/api/account': account, '/api/jobs': () => json(200, jobs), '/api/jobs/1/progress': () => json(200, progress),
      '/api/jobs/1/review?limit=50': () => json(200, { jobId: 1, posteriorThreshold: 0.7, total: 5, answers: [candidate('a', ['POSTERIOR', 'FAILED_GOLDS'], 'dog'), candidate('b', ['FAILED_GOLDS'], null)] }),
      '/api/assignments/a/reject': () => json(200, { assignmentId: 'a', status: held ? 'PENDING_QUALITY_REVIEW' : 'REJECTED' }),
    });
    await flush();
    $('[data-job-id="1"] [data-testid=select-job]').click();
    await flush();
    expect($('[data-testid=review-summary]').textContent).toBe('5 answers open to review have evidence against them (the strongest 2 shown).');
    const rows = () => [...document.querySelectorAll<HTMLElement>('[data-testid=review-answer]')];
    expect([...rows()[0]!.children].slice(0, 5).map((c) => c.textContent)).toEqual(['i-a', '9', 'cat', 'dog (93%)', '3 of 4 failed']);
    expect([...rows()[0]!.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Reject: crowd disagrees', 'Reject: failed golds']);
    expect([...rows()[1]!.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Reject: failed golds']);

    ($('#review-reason') as HTMLInputElement).value = 'no';
    rows()[0]!.querySelector<HTMLButtonElement>('[data-action=reject-posterior]')!.click();
    await flush();
    expect($('#review-status [role=alert]').textContent).toBe('Give the worker a reason of at least 5 characters.');
    expect(calls).not.toContain('/api/assignments/a/reject');

    ($('#review-reason') as HTMLInputElement).value = 'The review plainly describes a dog.';
    rows()[0]!.querySelector<HTMLButtonElement>('[data-action=reject-posterior]')!.click();
    await flush();
    await flush();
    expect(calls).toContain('/api/assignments/a/reject');
    expect($('#review-status').textContent).toBe('i-a: rejected; its reward and fee are back in your balance.');
    held = true;
    rows()[0]!.querySelector<HTMLButtonElement>('[data-action=reject-failed_golds]')!.click();
    await flush();
    await flush();
    expect($('#review-status').textContent).toBe('i-a: held for a quality manager (you have rejected a large share of this worker’s answers).');
  });

  it('in the quality console, lists every requester’s jobs and blocks a flagged worker from the workers table', async () => {
    const worker = (id: number, flags: string[], blocked: boolean) => ({
      worker: id, answers: 40, goldAnswered: 8, goldCorrect: 6, goldAccuracy: 0.75, goldAccuracyLow: 0.55, goldAccuracyHigh: 0.85,
      medianSeconds: 1.25, crowdAgreement: 0.5, topLabelShare: 1, flags, blocked,
    });
    let blocked = false;
    const report = () => ({ jobId: 1, jobMedianSeconds: 9, jobTopLabelShare: 0.5, minAccuracy: 0, workers: [worker(7, ['TOO_FAST'], blocked), worker(8, [], false)], suspiciousPairs: [] });
    const calls = mount(
      {
        '/api/qm/jobs': () => json(200, [{ job: jobs[0], requesterId: 3, requesterEmail: 'owner@example.org' }]),
        '/api/qm/appeals': () => json(200, []),
        '/api/qm/rejections': () => json(200, []),
        '/api/jobs/1/progress': () => json(200, progress),
        '/api/jobs/1/workers': () => json(200, report()),
        '/api/admin/users/7/blocked': () => ((blocked = true), json(200, { id: 7, blocked: true })),
        '/api/admin/users/8/skills': () => json(200, { id: 8, skills: ['de', 'medical'] }),
      },
      { console: true },
    );
    await flush();
    expect(calls).not.toContain('/api/account');
    expect($('[data-job-id="1"] .job-owner').textContent).toBe('owner@example.org');
    $('[data-job-id="1"] [data-testid=select-job]').click();
    await flush();
    // From the console: the job's running and settings, no uploads or top-ups.
    expect(document.querySelector('#job-pause')).not.toBeNull();
    expect(document.querySelector('#settings-form')).not.toBeNull();
    expect(document.querySelector('#topup-form')).toBeNull();
    expect(document.querySelector('#upload-golds-form')).toBeNull();
    const first = () => document.querySelector<HTMLElement>('[data-testid=worker]')!;
    expect(first().querySelector('[data-action=block]')).not.toBeNull();
    first().querySelector<HTMLButtonElement>('[data-action=block]')!.click();
    await flush();
    await flush();
    expect(calls).toContain('/api/admin/users/7/blocked');
    expect($('#block-status').textContent).toBe('Worker 7 blocked from every job.');
    expect(first().querySelector('[data-action=unblock]')).not.toBeNull();

    // Skills, set from the workers table; no dataset version yet, so no matrix, and the way to get one.
    const second = document.querySelectorAll<HTMLElement>('[data-testid=worker]')[1]!;
    (second.querySelector('[data-testid=skills]') as HTMLInputElement).value = 'de, medical, de';
    second.querySelector<HTMLButtonElement>('[data-action=skills]')!.click();
    await flush();
    expect(calls).toContain('/api/admin/users/8/skills');
    expect($('#workers-status').textContent).toBe('Worker 8: skills de, medical.');
    second.querySelector<HTMLButtonElement>('[data-action=matrix]')!.click();
    await flush();
    expect((second.nextElementSibling as HTMLElement).textContent).toContain('No dataset version yet');
  });

  it('pauses the chosen job and keeps saying so when its panel is made again for the new status', async () => {
    let paused = false;
    const current = () => ({ ...jobs[0]!, status: paused ? 'PAUSED' : 'PUBLISHED', pauseReason: paused ? 'OWNER' : null });
    mount({
      '/api/account': account, '/api/jobs': () => json(200, [current(), jobs[1]]),
      '/api/jobs/1/progress': () => json(200, { ...progress, status: current().status }),
      '/api/jobs/1/pause': () => ((paused = true), json(200, current())),
    });
    await flush();
    $('[data-job-id="1"] [data-testid=select-job]').click();
    await flush();
    $('#job-pause').click();
    for (let i = 0; i < 4; i++) await flush();
    expect($('#progress .badge').textContent).toBe('Paused');
    expect(document.querySelector('#job-resume')).not.toBeNull();
    expect($('#setup-status').textContent).toBe('Paused: no new tasks are handed out; tasks already taken may still be answered.');
  });

  it('refreshes the progress on its timer without reloading the quality sections or wiping a replay', async () => {
    const calls = mount(
      { '/api/account': account, '/api/jobs': () => json(200, jobs), '/api/jobs/1/progress': () => json(200, progress),
        '/api/jobs/1/what-if': () => json(200, { answers: 5, answersRemoved: 0, stopped: [], itemsCompared: 3, labelsChanged: 0, itemsLeftWithoutAnswers: 0, examples: [] }) },
      { refreshMs: 5, maxRefreshes: 2 },
    );
    await flush();
    $('[data-job-id="1"] [data-testid=select-job]').click();
    await flush();
    $('#whatif-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    expect($('[data-testid=whatif-summary]').textContent).toMatch(/^This rule would have stopped nobody/);
    await new Promise((r) => setTimeout(r, 40));
    await flush();
    const count = (url: string) => calls.filter((c) => c === url).length;
    expect(count('/api/jobs/1/progress')).toBe(3);
    expect(count('/api/jobs/1/workers')).toBe(1);
    expect(count('/api/jobs/1/golds/health')).toBe(1);
    expect($('[data-testid=whatif-summary]').textContent).toMatch(/^This rule would have stopped nobody/);
  });

  it('shows the job’s drift by hour, newest first', async () => {
    const drift = {
      jobId: 1, bucket: 'hour', labels: ['cat', 'dog'],
      buckets: [
        { start: '2025-04-03T09:00:00Z', answers: 12, goldAnswers: 2, goldCorrect: 2, goldAccuracy: 1, labels: { cat: 5, dog: 5 } },
        { start: '2025-04-03T10:00:00Z', answers: 12, goldAnswers: 2, goldCorrect: 1, goldAccuracy: 0.5, labels: { cat: 10, dog: 0 } },
        { start: '2025-04-03T11:00:00Z', answers: 3, goldAnswers: 3, goldCorrect: 3, goldAccuracy: 1, labels: { cat: 0, dog: 0 } },
      ],
    };
    mount({ '/api/account': account, '/api/jobs': () => json(200, jobs), '/api/jobs/1/progress': () => json(200, progress), '/api/jobs/1/drift?bucket=hour': () => json(200, drift) });
    await flush();
    $('[data-job-id="1"] [data-testid=select-job]').click();
    await flush();
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid=drift]')];
    expect(rows.map((r) => [...r.children].slice(1).map((c) => c.textContent))).toEqual([
      ['3', '100% of 3', 'cat — · dog —'],
      ['12', '50% of 2', 'cat 100% · dog 0%'],
      ['12', '100% of 2', 'cat 50% · dog 50%'],
    ]);
  });

  it('replays a rule on the job’s answers and shows what it would have done', async () => {
    const bodies: string[] = [];
    const fetch = async (url: string, init?: RequestInit) => {
      if (url === '/api/account') return account();
      if (url === '/api/jobs') return json(200, jobs);
      if (url === '/api/jobs/1/progress') return json(200, progress);
      if (url === '/api/jobs/1' && init?.method === 'PATCH') {
        bodies.push(String(init.body));
        return json(200, { ...jobs[0], minAccuracy: 0.8 });
      }
      if (url === '/api/jobs/1/what-if') {
        bodies.push(String(init?.body));
        const rule = JSON.parse(String(init?.body)) as { minAccuracy: number; minMedianSeconds?: number };
        if (rule.minAccuracy > 0.99) return problem(422, { title: 'Invalid', detail: 'rule: minAccuracy in [0, 1)' });
        return json(200, {
          jobId: 1, minAccuracy: rule.minAccuracy, probationGolds: 5, minMedianSeconds: rule.minMedianSeconds ?? 0, speedWindow: 10, answers: 1010, answersRemoved: 90, goldAnswersRemoved: 9,
          costSavedMinor: 990, itemsCompared: 300, labelsChanged: 12, itemsLeftWithoutAnswers: 3, examples: [],
          stopped: [{ worker: 8, reason: 'accuracy', stoppedAt: '2025-04-03T09:00:00Z', goldAnswered: 5, goldCorrect: 1, goldAccuracy: 0.444, medianSeconds: 9, answersRemoved: 90 }],
        });
      }
      return problem(404, { title: 'Not found' });
    };
    view = dashboardView({ api: new RequesterApi(new HttpClient({ fetch })) });
    document.body.replaceChildren(view.element);
    await flush();
    $('[data-job-id="1"] [data-testid=select-job]').click();
    await flush();
    ($('#whatif-accuracy') as HTMLInputElement).value = '0.8';
    $('#whatif-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    expect(bodies).toEqual(['{"minAccuracy":0.8}']);
    expect($('[data-testid=whatif-summary]').textContent).toBe(
      'This rule would have stopped 1 workers and not bought 90 of 1,010 answers ($9.90); 12 of 300 labels would differ and 3 items would have no answer yet.',
    );
    expect([...$('[data-testid=whatif-worker]').children].map((c) => c.textContent)).toEqual(['8', 'accuracy 44.4%', '1 of 5 right', '90']);
    // The replayed rule, switched on for the job with the replay's outcome as the change's note.
    expect($('#whatif-apply').textContent).toBe('Switch on: minimum gold accuracy 80% after 5 golds, no speed limit');
    $('#whatif-apply').click();
    await flush();
    expect(bodies[1]).toBe('{"minAccuracy":0.8,"note":"after a what-if replay: 1 workers stopped, 90 answers not bought, 12 labels changed"}');
    expect($('#whatif-apply-status').textContent).toBe(' On: from their next task, the workers this rule stops take no more of the job’s tasks.');
    expect(($('#whatif-apply') as HTMLButtonElement).disabled).toBe(true);
    // A speed limit replayed is switched on with its window, only the parts that differ from the job's.
    ($('#whatif-accuracy') as HTMLInputElement).value = '0';
    ($('#whatif-speed') as HTMLInputElement).value = '2.5';
    $('#whatif-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    expect($('#whatif-apply').textContent).toBe('Switch on: no minimum gold accuracy, median time at least 2.5 s over 10 answers');
    $('#whatif-apply').click();
    await flush();
    expect(bodies[bodies.length - 1]).toBe('{"minMedianSeconds":2.5,"note":"after a what-if replay: 1 workers stopped, 90 answers not bought, 12 labels changed"}');
    ($('#whatif-accuracy') as HTMLInputElement).value = '2';
    $('#whatif-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    expect($('#whatif-result [role=alert]').textContent).toBe('rule: minAccuracy in [0, 1)');
    expect(document.querySelector('#whatif-apply')).toBeNull();
  });

  it('shows a chosen job’s progress and result download links', async () => {
    const onSelect = vi.fn();
    const calls = mount(
      { '/api/account': account, '/api/jobs': () => json(200, jobs), '/api/jobs/1/progress': () => json(200, progress) },
      { onSelect },
    );
    await flush();
    $('[data-job-id="1"] [data-testid=select-job]').click();
    await flush();

    expect(onSelect).toHaveBeenCalledWith(1);
    expect($('#progress').dataset.state).toBe('ready');
    expect(calls).toContain('/api/jobs/1/progress');
    expect($('#progress-title').textContent).toBe('Cats vs dogs');
    expect($('#progress-summary').textContent).toBe('300 of 1,200 items done (25%)');
    expect(($('#progress-bar') as HTMLProgressElement).value).toBe(300);
    expect($('[data-testid=progress-gold]').textContent).toBe('90% (45 of 50)');
    expect($('[data-testid=progress-cost]').textContent).toBe('$40.40');
    expect($('[data-testid=progress-projected]').textContent).toBe('$130.00');
    expect($('[data-testid=progress-per-item]').textContent).toBe('3.37');

    expect($('#download-csv').getAttribute('href')).toBe('/api/jobs/1/results?format=csv');
    expect($('#download-jsonl').getAttribute('href')).toBe('/api/jobs/1/results?format=jsonl');
    expect($('#download-csv').hasAttribute('download')).toBe(true);
    expect($('#download-answers-csv').getAttribute('href')).toBe('/api/jobs/1/answers?format=csv');
    expect($('#download-answers-jsonl').getAttribute('href')).toBe('/api/jobs/1/answers?format=jsonl');
    expect($('[data-job-id="1"]').getAttribute('aria-selected')).toBe('true');
  });

  it('opens with the job from the URL selected', async () => {
    mount(
      { '/api/account': account, '/api/jobs': () => json(200, jobs), '/api/jobs/2/progress': () => json(200, { ...progress, itemsDone: 0, itemsTotal: 0, goldAnswers: 0, goldCorrect: 0, status: 'PUBLISHED', projectedCostMinor: undefined, answersPerClosedItem: null }) },
      { selectedJobId: '2' },
    );
    await flush();
    expect($('#progress-title').textContent).toBe('Toxicity');
    expect($('#progress .badge').textContent).toBe('Running'); // the progress call's status is fresher than the list's DRAFT
    expect($('[data-testid=progress-gold]').textContent).toBe('No gold answers yet');
    expect($('[data-testid=progress-projected]').textContent).toBe('—');
    expect(document.querySelector('[data-testid=progress-per-item]')).toBeNull();
  });

  it('ignores a slow answer for a job that is no longer chosen', async () => {
    let releaseFirst!: () => void;
    const slow = new Promise<void>((r) => (releaseFirst = r));
    const calls: string[] = [];
    const fetch = async (url: string) => {
      calls.push(url);
      if (url === '/api/account') return account();
      if (url === '/api/jobs') return json(200, jobs);
      if (url === '/api/jobs/1/progress') {
        await slow;
        return json(200, progress);
      }
      return json(200, { ...progress, itemsDone: 7, itemsTotal: 7 });
    };
    view = dashboardView({ api: new RequesterApi(new HttpClient({ fetch })) });
    document.body.replaceChildren(view.element);
    await flush();
    $('[data-job-id="1"] [data-testid=select-job]').click();
    $('[data-job-id="2"] [data-testid=select-job]').click();
    await flush();
    releaseFirst();
    await flush();
    expect($('#progress-title').textContent).toBe('Toxicity');
    expect($('#progress-summary').textContent).toBe('7 of 7 items done (100%)');
  });

  it('refreshes the progress periodically, a bounded number of times', async () => {
    const calls = mount(
      { '/api/account': account, '/api/jobs': () => json(200, jobs), '/api/jobs/1/progress': () => json(200, progress) },
      { selectedJobId: '1', refreshMs: 5, maxRefreshes: 2 },
    );
    await new Promise((r) => setTimeout(r, 80));
    expect(calls.filter((c) => c === '/api/jobs/1/progress')).toHaveLength(3);
  });

  it('shows errors and an empty state', async () => {
    mount({ '/api/account': () => problem(503, { title: 'Unavailable', detail: 'Ledger is busy.' }), '/api/jobs': () => json(200, []) });
    await flush();
    expect($('#balance [role=alert]').textContent).toBe('Ledger is busy.');
    expect($('#balance').dataset.state).toBe('error');
    expect($('#no-jobs').textContent).toMatch(/no jobs yet/);
    expect(($('#jobs') as HTMLTableElement).hidden).toBe(true);
  });
});

describe('confidence check', () => {
  const check = {
    jobId: 1, confidenceTarget: 0.95, overlapMin: 2, overlapMax: 5, golds: 80, closedAtTarget: 60, rightAtTarget: 48, statedAtTarget: 0.97,
    accuracyAtTarget: 0.8, accuracyLow: 0.71, accuracyHigh: 0.87, belowTarget: true, closedAtMax: 15, rightAtMax: 11, stillOpen: 5, answersPerClosed: 2.8,
  };
  it('warns when items closed at the target are right less often than it says, and only then', () => {
    const warn = renderConfidenceCheck(check);
    expect(warn.textContent).toBe(
      'Confidence check on golds replayed as items: 60 would have closed at your 95% target, and 80% of them were right (90% interval 71%–87%).' +
        ' Items closed at the target are right less often than it says: raise the target or the minimum answers per item. Results from auto aggregation state confidences calibrated on gold.',
    );
    expect(warn.className).toBe('alert alert-warn');
    expect(renderConfidenceCheck({ ...check, calibrateConfidence: false }).textContent).toContain(
      'raise the target or the minimum answers per item, or calibrate confidence on golds (Settings).',
    );
    const fine = renderConfidenceCheck({ ...check, rightAtTarget: 58, accuracyAtTarget: 0.967, accuracyLow: 0.9, accuracyHigh: 0.99, belowTarget: false });
    expect(fine.textContent).toBe('Confidence check on golds replayed as items: 60 would have closed at your 95% target, and 96.7% of them were right (90% interval 90%–99%).');
    expect(fine.className).toBe('');
    expect(renderConfidenceCheck({ ...check, closedAtTarget: 0, rightAtTarget: 0, accuracyAtTarget: null, accuracyLow: null, accuracyHigh: null, belowTarget: false }).textContent).toBe(
      'Confidence check: no gold has enough answers yet to tell whether items closed at 95% are right 95% of the time.',
    );
    expect(renderConfidenceCheck(new Error('boom')).textContent).toBe('Confidence check could not be read: Boom');
  });

  it('says what the calibration on golds changes, where it is on and fitted, even before a gold closes at the target', () => {
    const uncalibrated = { target: 0.95, closed: 25, accuracy: 0.8, closedAtTarget: 25, accuracyAtTarget: 0.8, answersPerClosed: 2.8 };
    const calibrated = renderConfidenceCheck({ ...check, belowTarget: false, calibrateConfidence: true, confidenceBeta: 0.404, uncalibrated });
    expect(calibrated.querySelector('[data-testid=confidence-calibration]')!.textContent).toBe(
      'Confidence is calibrated on your golds: each answer counts ×0.40 as evidence. Uncalibrated, 25 golds would have closed at your target, 80% of them right, with 2.80 answers per item.',
    );
    const none = renderConfidenceCheck({ ...check, closedAtTarget: 0, rightAtTarget: 0, accuracyAtTarget: null, accuracyLow: null, accuracyHigh: null, belowTarget: false,
      calibrateConfidence: true, confidenceBeta: 0.404, uncalibrated });
    expect(none.querySelector('[data-testid=confidence-calibration]')).not.toBeNull();
    expect(renderConfidenceCheck({ ...check, calibrateConfidence: false, confidenceBeta: 0.404 }).querySelector('[data-testid=confidence-calibration]')).toBeNull();
    expect(renderConfidenceCheck({ ...check, calibrateConfidence: true, confidenceBeta: null }).querySelector('[data-testid=confidence-calibration]')).toBeNull();
  });

  it('says how the golds the value rule would have closed before the target fared, where the job sets a label value', () => {
    const valued = renderConfidenceCheck({ ...check, belowTarget: false, labelValueMinor: 50, closedByValue: 20, rightByValue: 17 });
    expect(valued.querySelector('[data-testid=confidence-by-value]')!.textContent).toBe(
      'At your label value, 20 golds would have closed before the target, where more answers were not worth their price: 85% of them right.',
    );
    const early = renderConfidenceCheck({ ...check, closedAtTarget: 0, accuracyAtTarget: null, labelValueMinor: 50, closedByValue: 1, rightByValue: 1 });
    expect(early.textContent).toContain('no gold has enough answers yet');
    expect(early.textContent).toContain('1 gold would have closed before the target');
    expect(renderConfidenceCheck({ ...check, closedByValue: 0, labelValueMinor: 50 }).querySelector('[data-testid=confidence-by-value]')).toBeNull();
  });

  it('shows the same golds at other targets and sets the one chosen', () => {
    const used: number[] = [];
    const el = renderConfidenceCheck(
      {
        ...check,
        targets: [
          { target: 0.9, closed: 75, accuracy: 0.76, closedAtTarget: 66, accuracyAtTarget: 0.77, answersPerClosed: 2.4 },
          { target: 0.95, closed: 75, accuracy: 0.79, closedAtTarget: 60, accuracyAtTarget: 0.8, answersPerClosed: 2.8 },
          { target: 0.99, closed: 70, accuracy: 0.9, closedAtTarget: 30, accuracyAtTarget: null, answersPerClosed: null },
        ],
      },
      (target) => used.push(target),
    );
    document.body.replaceChildren(el);
    expect([...document.querySelectorAll('[data-testid=target-row]')].map((tr) => [...tr.children].map((td) => td.textContent))).toEqual([
      ['90%', '2.40', '76% of 75', '77% of 66', 'Use'],
      ['95% (now)', '2.80', '79% of 75', '80% of 60', ''],
      ['99%', '—', '90% of 70', '—', 'Use'],
    ]);
    document.querySelector<HTMLButtonElement>('[data-target="0.99"]')!.click();
    expect(used).toEqual([0.99]);
    // Without the right to change the job (an ended one), no buttons.
    document.body.replaceChildren(renderConfidenceCheck({ ...check, targets: [{ target: 0.99, closed: 1, accuracy: 1, closedAtTarget: 1, accuracyAtTarget: 1, answersPerClosed: 3 }] }));
    expect(document.querySelector('[data-target]')).toBeNull();
  });

  it('shows the same golds under label values and sets the one chosen', () => {
    const used: number[] = [];
    const el = renderConfidenceCheck(
      {
        ...check,
        labelValueMinor: 55,
        targets: [{ target: 0.95, closed: 75, accuracy: 0.79, closedAtTarget: 60, accuracyAtTarget: 0.8, answersPerClosed: 2.8 }],
        values: [
          { labelValueMinor: 22, answersWorth: 2, closed: 80, accuracy: 0.7, closedByValue: 64, answersPerClosed: 2 },
          { labelValueMinor: 55, answersWorth: 5, closed: 80, accuracy: 0.75, closedByValue: 30, answersPerClosed: 2.5 },
          { labelValueMinor: 60, answersWorth: 5.45, closed: 78, accuracy: null, closedByValue: 0, answersPerClosed: null },
        ],
      },
      undefined,
      (value) => used.push(value),
      'EUR',
    );
    document.body.replaceChildren(el);
    expect([...document.querySelectorAll('[data-testid=value-row]')].map((tr) => [...tr.children].map((td) => td.textContent))).toEqual([
      ['€0.22 (2 answers)', '2.00', '70% of 80', '64', 'Use'],
      ['€0.55 (5 answers) (now)', '2.50', '75% of 80', '30', ''],
      ['€0.60 (5.5 answers)', '—', '—', '0', 'Use'],
    ]);
    document.querySelector<HTMLButtonElement>('[data-value="22"]')!.click();
    expect(used).toEqual([22]);
    expect(document.querySelector('[data-target]')).toBeNull(); // no right to change the target was given
  });
});

describe('agreement', () => {
  it('says when agreement cannot be measured yet, and why it could not be read', () => {
    expect(renderAgreement({ jobId: 1, krippendorffAlpha: null, fleissKappa: null, itemsUsed: 0 }).textContent).toBe(
      'Agreement: not yet measurable (no item has two answers, or all answers carry one label).',
    );
    expect(renderAgreement(new Error('boom')).textContent).toBe('Agreement could not be read: Boom');
  });
});

describe('rendering untrusted job fields', () => {
  it('shows titles and unknown statuses as text', () => {
    const row = renderJobRow({ ...jobs[0]!, title: '<img src=x onerror=alert(1)>', status: '<b>NEW</b>' }, 'USD', false, () => undefined);
    expect(row.querySelector('img, b')).toBeNull();
    expect(row.querySelector('button')!.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(row.querySelector('.badge')!.textContent).toBe('<b>NEW</b>');
    expect(row.querySelector('.badge')!.className).toBe('badge badge-other');
  });

  it('names known statuses', () => {
    expect(statusBadge('COMPLETED').textContent).toBe('Completed');
    expect(statusBadge('EXPIRED').textContent).toBe('Ended at its deadline');
    expect(statusBadge('constructor').textContent).toBe('constructor');
  });
});
