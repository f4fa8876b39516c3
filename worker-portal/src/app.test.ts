import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkerApp } from './app';
import { HttpClient } from '@common/lib/http';
import { fakeApi, flush, json, noContent, problem, type RecordedRequest } from '@common/test/fakes';

const worker = { id: 1, email: 'ann@example.org', displayName: 'Ann <3', roles: ['WORKER'] };

async function boot(routes: Record<string, (req: RecordedRequest) => Response>) {
  const api = fakeApi(routes);
  const root = document.createElement('div');
  document.body.replaceChildren(root);
  app = new WorkerApp(root, { http: new HttpClient({ fetch: api.fetch }) });
  await app.start();
  await flush();
  return api;
}

const earnings = () => json(200, { pendingMinor: 0, balanceMinor: 0, goldAnswered: 0, goldCorrect: 0, accuracyEstimate: null });

let app: WorkerApp | null = null;
beforeEach(() => history.replaceState(null, '', '#'));
afterEach(() => {
  app?.dispose();
  app = null;
  document.body.replaceChildren();
});

describe('WorkerApp', () => {
  it('shows the sign-in form when there is no session, then the jobs page after signing in', async () => {
    let signedIn = false;
    await boot({
      'GET /api/me': () => (signedIn ? json(200, worker) : problem(401, { title: 'Unauthorized' })),
      'POST /api/auth/signin': () => ((signedIn = true), json(200, { accessToken: 't', tokenType: 'Bearer', expiresIn: 60, user: worker })),
      'GET /api/worker/earnings': earnings,
      'GET /api/worker/jobs': () => json(200, []),
    });
    expect(document.getElementById('signin')).not.toBeNull();
    expect(document.getElementById('user-nav')!.hidden).toBe(true);

    (document.getElementById('email') as HTMLInputElement).value = 'ann@example.org';
    (document.getElementById('password') as HTMLInputElement).value = 'long-enough-pw';
    document.getElementById('signin')!.click();
    await flush(10);

    expect(location.hash).toBe('#/jobs');
    expect(document.getElementById('jobs')).not.toBeNull();
    expect(document.getElementById('earnings')).not.toBeNull();
    expect(document.getElementById('user-name')!.textContent).toBe('Ann <3');
  });

  it('sign-out releases the held task, calls the API and returns to sign-in', async () => {
    history.replaceState(null, '', '#/label');
    const task = { assignmentId: 'a1', jobId: 1, jobTitle: 'J', instructions: '', labels: ['x', 'y'], data: { text: 'hi' }, rewardMinor: 1, leaseExpiresAt: new Date(Date.now() + 60_000).toISOString() };
    let served = 0;
    const api = await boot({
      'GET /api/me': () => json(200, worker),
      'POST /api/worker/tasks/next': () => (served++ === 0 ? json(200, task) : noContent()),
      'POST /api/worker/tasks/a1/release': () => noContent(),
      'POST /api/auth/signout': () => noContent(),
    });
    expect(document.getElementById('item')!.textContent).toBe('hi');

    document.getElementById('signout')!.click();
    await flush(10);
    expect(api.calls).toContain('POST /api/worker/tasks/a1/release');
    expect(api.calls.indexOf('POST /api/worker/tasks/a1/release')).toBeLessThan(api.calls.indexOf('POST /api/auth/signout'));
    expect(location.hash).toBe('#/signin');
    expect(document.getElementById('signin')).not.toBeNull();
  });

  it('hands the task back when the page is hidden and takes a new one when it is shown from the cache', async () => {
    history.replaceState(null, '', '#/label');
    let served = 0;
    const task = (n: number) => ({ assignmentId: `a${n}`, jobId: 1, jobTitle: 'J', instructions: '', labels: ['x', 'y'], data: { text: `item ${n}` }, rewardMinor: 1, leaseExpiresAt: new Date(Date.now() + 60_000).toISOString() });
    const api = await boot({
      'GET /api/me': () => json(200, worker),
      'POST /api/worker/tasks/next': () => json(200, task(++served)),
      'POST /api/worker/tasks/a1/release': () => noContent(),
      'POST /api/worker/tasks/a2/release': () => noContent(),
    });
    expect(document.getElementById('item')!.textContent).toBe('item 1');
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    await flush();
    expect(api.calls).toEqual(expect.arrayContaining(['POST /api/worker/tasks/a1/release', 'POST /api/worker/tasks/a2/release']));

    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    await flush(10);
    expect(document.getElementById('item')!.textContent).toBe('item 3');
  });

  it('labels with one request per task: the answer call brings the next task, /tasks/next is not asked again', async () => {
    history.replaceState(null, '', '#/label/3');
    const task = (n: number) => ({ assignmentId: `a${n}`, jobId: 3, jobTitle: 'J', instructions: '', labels: ['x', 'y'], data: { text: `item ${n}` }, rewardMinor: 1, leaseExpiresAt: new Date(Date.now() + 60_000).toISOString() });
    let served = 0;
    const answerUrls: string[] = [];
    const answered = (id: string, next: number) => (req: RecordedRequest) => {
      answerUrls.push(req.url);
      expect(req.body).toEqual({ label: 'y' });
      return json(200, { assignmentId: id, status: 'SUBMITTED', next: task(next) });
    };
    const api = await boot({
      'GET /api/me': () => json(200, worker),
      'POST /api/worker/tasks/next': () => json(200, task(++served)),
      'POST /api/worker/tasks/a1/answer': answered('a1', 3),
      'POST /api/worker/tasks/a2/answer': answered('a2', 4),
    });
    expect(document.getElementById('item')!.textContent).toBe('item 1');
    const nextCalls = () => api.calls.filter((c) => c === 'POST /api/worker/tasks/next').length;
    expect(nextCalls()).toBe(2); // the shown task and the prefetched one

    const label = async () => {
      (document.querySelector('[data-label="y"]') as HTMLButtonElement).click();
      document.getElementById('submit')!.click();
      await flush(10);
    };
    await label();
    expect(document.getElementById('item')!.textContent).toBe('item 2');
    await label();
    expect(document.getElementById('item')!.textContent).toBe('item 3'); // the task the first answer brought
    expect(nextCalls()).toBe(2);
    expect(answerUrls).toEqual(['/api/worker/tasks/a1/answer?next=true&jobId=3', '/api/worker/tasks/a2/answer?next=true&jobId=3']);
    expect(api.calls.filter((c) => c.endsWith('/release'))).toEqual([]);
  });

  it('falls back to /tasks/next when the answer brings a malformed next task', async () => {
    history.replaceState(null, '', '#/label');
    const task = (n: number) => ({ assignmentId: `a${n}`, jobId: 1, jobTitle: 'J', instructions: '', labels: ['x', 'y'], data: { text: `item ${n}` }, rewardMinor: 1, leaseExpiresAt: new Date(Date.now() + 60_000).toISOString() });
    // First the shown task, then nothing for the prefetch, then the task the fallback finds.
    const replies = [() => json(200, task(1)), () => noContent(), () => json(200, task(2))];
    const api = await boot({
      'GET /api/me': () => json(200, worker),
      'POST /api/worker/tasks/next': () => (replies.shift() ?? noContent)(),
      'POST /api/worker/tasks/a1/answer': (req) => {
        expect(req.url).toBe('/api/worker/tasks/a1/answer?next=true');
        return json(200, { assignmentId: 'a1', status: 'SUBMITTED', next: { jobId: 1, labels: 'x' } });
      },
    });
    const nextCalls = () => api.calls.filter((c) => c === 'POST /api/worker/tasks/next').length;
    expect(document.getElementById('item')!.textContent).toBe('item 1');
    expect(nextCalls()).toBe(2);

    (document.querySelector('[data-label="x"]') as HTMLButtonElement).click();
    document.getElementById('submit')!.click();
    await flush(10);
    expect(api.calls).toContain('POST /api/worker/tasks/a1/answer');
    expect(document.getElementById('item')!.textContent).toBe('item 2');
    expect(document.getElementById('submitted-count')!.textContent).toBe('1 submitted');
    expect(nextCalls()).toBe(4); // the fallback, then the prefetch behind task 2
  });

  it('a 401 mid-session leads back to sign-in with an explanation', async () => {
    history.replaceState(null, '', '#/jobs');
    await boot({
      'GET /api/me': () => json(200, worker),
      'GET /api/worker/earnings': () => problem(401, { title: 'Unauthorized' }),
      'GET /api/worker/jobs': () => problem(401, { title: 'Unauthorized' }),
    });
    await flush(10);
    expect(document.getElementById('signin')).not.toBeNull();
    expect(document.body.textContent).toContain('Your session has ended');
  });

  it('opens the deep link the worker came for after signing in', async () => {
    history.replaceState(null, '', '#/label/3');
    let signedIn = false;
    const task = { assignmentId: 'a9', jobId: 3, jobTitle: 'Cats', instructions: '', labels: ['cat', 'dog'], data: { text: 'meow' }, rewardMinor: 2, leaseExpiresAt: new Date(Date.now() + 60_000).toISOString() };
    const api = await boot({
      'GET /api/me': () => (signedIn ? json(200, worker) : problem(401, { title: 'Unauthorized' })),
      'POST /api/auth/signin': () => ((signedIn = true), json(200, { accessToken: 't', tokenType: 'Bearer', expiresIn: 60, user: worker })),
      'POST /api/worker/tasks/next': () => json(200, task),
    });
    (document.getElementById('email') as HTMLInputElement).value = 'ann@example.org';
    (document.getElementById('password') as HTMLInputElement).value = 'long-enough-pw';
    document.getElementById('signin')!.click();
    await flush(10);
    expect(location.hash).toBe('#/label/3');
    expect(document.getElementById('item')!.textContent).toBe('meow');
    expect(api.calls).toContain('POST /api/worker/tasks/next');
  });

  it('tells a requester account that this is the worker portal', async () => {
    await boot({ 'GET /api/me': () => json(200, { ...worker, roles: ['REQUESTER'] }) });
    expect(document.getElementById('wrong-portal')).not.toBeNull();
    expect(document.getElementById('signout')).not.toBeNull();
  });
});
