import { afterEach, describe, expect, it } from 'vitest';
import { WorkerApi } from '../api/worker';
import { HttpClient } from '@common/lib/http';
import { json, problem, scriptedFetch } from '@common/test/fakes';
import { formatDateTime } from '@common/lib/format';
import { jobsView, renderEarnings, renderJob } from './jobs';

const settle = () => new Promise((r) => setTimeout(r, 0));
afterEach(() => document.body.replaceChildren());

describe('jobs page', () => {
  it('lists eligible jobs with pay per task and shows earnings', async () => {
    const fetch = scriptedFetch(
      json(200, { pendingMinor: 125, balanceMinor: 4200, goldAnswered: 20, goldCorrect: 18, accuracyEstimate: 0.88 }),
      json(200, []),
      json(200, [
        { id: 3, title: 'Cats vs dogs', instructions: 'Pick **one**', labels: ['cat', 'dog'], rewardMinor: 4, openTasks: 120, medianSecondsPerTask: 12.4, effectiveHourlyMinor: 1161, deadline: '2025-05-01T18:00:00Z',
          rules: { minAccuracy: 0.8, probationGolds: 5, minMedianSeconds: 2.5, speedWindow: 10 } },
        { id: 9, title: 'Toxicity', instructions: '', labels: ['ok', 'toxic'], rewardMinor: 12, openTasks: 1 },
      ]),
      json(200, [{ id: 5, title: 'Fast reviews', reason: 'answering faster than the job allows (median 1.2 s over your last 10 answers; the job asks for 3.0 s)' }]),
    );
    const view = jobsView(new WorkerApi(new HttpClient({ fetch })));
    document.body.replaceChildren(view.element);
    await settle();

    expect(fetch.requests.map((r) => r.url)).toEqual(['/api/worker/earnings', '/api/worker/rejections', '/api/worker/jobs', '/api/worker/jobs/closed']);
    expect(document.getElementById('rejections')!.hidden).toBe(true);
    const earnings = document.getElementById('earnings')!;
    expect(earnings.dataset.state).toBe('ready');
    expect(document.getElementById('jobs')!.dataset.state).toBe('ready');
    expect(document.getElementById('jobs')!.hasAttribute('aria-busy')).toBe(false);
    expect(earnings.querySelector('[data-testid=earnings-balance]')!.textContent).toBe('$42.00');
    expect(earnings.querySelector('[data-testid=earnings-pending]')!.textContent).toBe('$1.25');
    expect(earnings.querySelector('[data-testid=earnings-accuracy]')!.textContent).toBe('88% (18 of 20 checks correct)');

    const jobs = [...document.querySelectorAll('#jobs > li')];
    expect(jobs.map((j) => j.querySelector('h3')!.textContent)).toEqual(['Cats vs dogs', 'Toxicity']);
    expect(jobs[0]!.querySelector('.job-pay')!.textContent).toBe('$0.04 per task');
    expect(jobs[1]!.textContent).toContain('1 task open');
    // The honest hourly estimate, or that it is not known yet; the deadline where there is one.
    expect(jobs.map((j) => j.querySelector('[data-testid=job-hourly]')!.textContent)).toEqual([
      'About $11.61 an hour (median 12 s a task)',
      'Hourly pay: not known yet (too few answers so far)',
    ]);
    expect(jobs[0]!.textContent).toContain(`open until ${formatDateTime('2025-05-01T18:00:00Z')}`);
    expect(jobs[1]!.textContent).not.toContain('open until');
    // The stopping rules are told before the first task; a job without any says nothing.
    expect(jobs[0]!.querySelector('[data-testid=job-rules]')!.textContent).toBe(
      'This job asks for at least 80% right on quality checks, counted after 5 and no faster than 2.5 s a task on average (median of your last 10); below that it stops giving you tasks.',
    );
    expect(jobs[1]!.querySelector('[data-testid=job-rules]')).toBeNull();
    expect(jobs[0]!.querySelector('a[data-testid=start-job]')!.getAttribute('href')).toBe('#/label/3');
    // A job closed to the worker says why, apart from the open ones.
    expect(document.getElementById('closed')!.hidden).toBe(false);
    expect([...document.querySelectorAll('[data-testid=closed-job]')].map((li) => li.textContent)).toEqual([
      'Fast reviews: answering faster than the job allows (median 1.2 s over your last 10 answers; the job asks for 3.0 s)',
    ]);
    view.dispose!();
  });

  it('says when no jobs are open, and shows errors per section', async () => {
    const fetch = scriptedFetch(problem(503, { title: 'Unavailable', detail: 'Earnings are being recalculated.' }), json(200, []), json(200, []), json(200, []));
    const view = jobsView(new WorkerApi(new HttpClient({ fetch })));
    document.body.replaceChildren(view.element);
    await settle();
    expect(document.getElementById('no-jobs')!.textContent).toMatch(/No jobs are open to you/);
    expect(document.querySelector('#earnings [role=alert]')!.textContent).toBe('Earnings are being recalculated.');
    expect(document.getElementById('earnings')!.dataset.state).toBe('error');
    expect(document.getElementById('closed')!.hidden).toBe(true);
  });
});

describe('rejections', () => {
  const rejection = (over: Record<string, unknown>) => ({
    assignmentId: 'a-1', job: 'Cats vs dogs', yourLabel: 'cat', submittedAt: '2025-04-03T09:00:00Z', reviewedAt: '2025-04-03T10:00:00Z',
    reason: 'failed checks', evidence: 'FAILED_GOLDS', failedGolds: 2, crowdConfidence: null, status: 'REJECTED', appealStatus: null, appealNote: null,
    rewardMinor: 4, ...over,
  });

  it('shows each rejection with its evidence and lets the worker appeal one', async () => {
    const fetch = scriptedFetch(
      json(200, { pendingMinor: 0, balanceMinor: 0, goldAnswered: 2, goldCorrect: 0, accuracyEstimate: 0.5 }),
      json(200, [
        rejection({}),
        rejection({ assignmentId: 'a-2', evidence: 'POSTERIOR', failedGolds: null, crowdConfidence: 0.97, appealStatus: 'UPHELD', appealNote: 'the crowd is right' }),
        rejection({ assignmentId: 'a-3', status: 'ACCEPTED', appealStatus: 'REVERSED' }),
      ]),
      json(200, []),
      json(200, []),
      problem(409, { title: 'Conflict', detail: 'this rejection was already appealed' }),
      json(201, { appealId: 'p-1', status: 'PENDING' }),
      json(200, [rejection({ appealStatus: 'PENDING' })]),
    );
    const view = jobsView(new WorkerApi(new HttpClient({ fetch })));
    document.body.replaceChildren(view.element);
    await settle();
    const items = [...document.querySelectorAll<HTMLElement>('[data-testid=rejection]')];
    expect(document.getElementById('rejections')!.hidden).toBe(false);
    expect(items[0]!.textContent).toContain('You answered 2 check questions in this job wrongly.');
    expect(items[1]!.textContent).toContain('Other workers chose a different label, with 97% confidence.');
    expect(items.map((i) => i.querySelector('[data-testid=rejection-state]')!.textContent)).toEqual([
      'Rejected', 'Appeal turned down (the crowd is right)', 'Reversed — paid $0.04',
    ]);
    expect(items.map((i) => i.querySelector('[data-action=appeal]') !== null)).toEqual([true, false, false]);

    const form = items[0]!.querySelector('form')!;
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(form.querySelector('[role=alert]')!.textContent).toBe('Say in a few words why the rejection is wrong.');
    form.querySelector('textarea')!.value = 'The picture shows a cat.';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(form.querySelector('[role=alert]')!.textContent).toBe('This rejection was already appealed');
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    await settle();
    const appealRequest = fetch.requests.find((r) => r.url === '/api/worker/assignments/a-1/appeal' && r.init.method === 'POST')!;
    expect(JSON.parse(String(appealRequest.init.body))).toEqual({ message: 'The picture shows a cat.' });
    expect(document.querySelector('[data-testid=rejection-state]')!.textContent).toBe('Appeal pending');
    view.dispose!();
  });
});

describe('renderJob', () => {
  it('renders titles, labels and instructions from the requester as text', () => {
    const li = renderJob({
      id: 'x"><script>',
      title: '<img src=x onerror=alert(1)>',
      instructions: '<script>alert(1)</script>',
      labels: ['<b>a</b>'],
      rewardMinor: 1,
      openTasks: 2,
    });
    expect(li.querySelector('img, script, b')).toBeNull();
    expect(li.querySelector('h3')!.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(li.querySelector('.chip')!.textContent).toBe('<b>a</b>');
    expect(li.querySelector('a')!.getAttribute('href')).toBe('#/label/x%22%3E%3Cscript%3E');
  });
});

describe('renderEarnings', () => {
  it('does not claim an accuracy before any gold was answered', () => {
    const dl = renderEarnings({ pendingMinor: 0, balanceMinor: 0, goldAnswered: 0, goldCorrect: 0, accuracyEstimate: null });
    expect(dl.querySelector('[data-testid=earnings-accuracy]')!.textContent).toBe('No quality checks answered yet');
  });
});
