import { afterEach, describe, expect, it } from 'vitest';
import { WorkerApi } from '../api/worker';
import { HttpClient } from '@common/lib/http';
import { json, problem, scriptedFetch } from '@common/test/fakes';
import { jobsView, renderEarnings, renderJob } from './jobs';

const settle = () => new Promise((r) => setTimeout(r, 0));
afterEach(() => document.body.replaceChildren());

describe('jobs page', () => {
  it('lists eligible jobs with pay per task and shows earnings', async () => {
    const fetch = scriptedFetch(
      json(200, { pendingMinor: 125, balanceMinor: 4200, goldAnswered: 20, goldCorrect: 18, accuracyEstimate: 0.88 }),
      json(200, [
        { id: 3, title: 'Cats vs dogs', instructions: 'Pick **one**', labels: ['cat', 'dog'], rewardMinor: 4, openTasks: 120 },
        { id: 9, title: 'Toxicity', instructions: '', labels: ['ok', 'toxic'], rewardMinor: 12, openTasks: 1 },
      ]),
    );
    const view = jobsView(new WorkerApi(new HttpClient({ fetch })));
    document.body.replaceChildren(view.element);
    await settle();

    expect(fetch.requests.map((r) => r.url)).toEqual(['/api/worker/earnings', '/api/worker/jobs']);
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
    expect(jobs[0]!.querySelector('a[data-testid=start-job]')!.getAttribute('href')).toBe('#/label/3');
    view.dispose!();
  });

  it('says when no jobs are open, and shows errors per section', async () => {
    const fetch = scriptedFetch(problem(503, { title: 'Unavailable', detail: 'Earnings are being recalculated.' }), json(200, []));
    const view = jobsView(new WorkerApi(new HttpClient({ fetch })));
    document.body.replaceChildren(view.element);
    await settle();
    expect(document.getElementById('no-jobs')!.textContent).toMatch(/No jobs are open to you/);
    expect(document.querySelector('#earnings [role=alert]')!.textContent).toBe('Earnings are being recalculated.');
    expect(document.getElementById('earnings')!.dataset.state).toBe('error');
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
