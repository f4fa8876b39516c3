import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RequesterApp } from './app';
import { HttpClient } from '@common/lib/http';
import { fakeApi, flush, json, noContent, problem } from '@common/test/fakes';

const requester = { id: 5, email: 'rita@example.org', displayName: 'Rita', roles: ['REQUESTER'] };

let app: RequesterApp | null = null;
async function boot(routes: Record<string, () => Response>) {
  const api = fakeApi(routes);
  const root = document.createElement('div');
  document.body.replaceChildren(root);
  app = new RequesterApp(root, { http: new HttpClient({ fetch: api.fetch }) });
  await app.start();
  await flush();
  return api;
}

const dashboardRoutes = {
  'GET /api/account': () => json(200, { availableMinor: 500, reservedMinor: 0, spentMinor: 0, currency: 'USD' }),
  'GET /api/jobs': () => json(200, []),
};

beforeEach(() => history.replaceState(null, '', '#'));
afterEach(() => {
  app?.dispose();
  app = null;
  document.body.replaceChildren();
});

describe('RequesterApp', () => {
  it('signs in and lands on the dashboard with the balance', async () => {
    let signedIn = false;
    await boot({
      'GET /api/me': () => (signedIn ? json(200, requester) : problem(401, { title: 'Unauthorized' })),
      'POST /api/auth/signin': () => ((signedIn = true), json(200, { accessToken: 't', tokenType: 'Bearer', expiresIn: 60, user: requester })),
      ...dashboardRoutes,
    });
    (document.getElementById('email') as HTMLInputElement).value = 'rita@example.org';
    (document.getElementById('password') as HTMLInputElement).value = 'long-enough-pw';
    document.getElementById('signin')!.click();
    await flush(10);

    expect(location.hash).toBe('#/jobs');
    expect(document.querySelector('#balance [data-testid=balance-available]')!.textContent).toBe('$5.00');
    expect(document.getElementById('jobs')).not.toBeNull();
  });

  it('signs out', async () => {
    history.replaceState(null, '', '#/jobs');
    const api = await boot({ 'GET /api/me': () => json(200, requester), 'POST /api/auth/signout': () => noContent(), ...dashboardRoutes });
    document.getElementById('signout')!.click();
    await flush(10);
    expect(api.calls).toContain('POST /api/auth/signout');
    expect(document.getElementById('signin')).not.toBeNull();
    expect(document.getElementById('user-nav')!.hidden).toBe(true);
  });

  it('offers requester sign-up from the sign-in page', async () => {
    history.replaceState(null, '', '#/signup');
    await boot({ 'GET /api/me': () => problem(401, { title: 'Unauthorized' }) });
    expect(document.getElementById('signup')).not.toBeNull();
    expect(document.getElementById('auth-title')!.textContent).toBe('Create a requester account');
  });

  it('tells a worker account that this is the requester portal', async () => {
    await boot({ 'GET /api/me': () => json(200, { ...requester, roles: ['WORKER'] }) });
    expect(document.getElementById('wrong-portal')!.textContent).toContain('not a requester account');
  });

  it('opens the quality console for a quality manager: every requester’s jobs and the decisions waiting, no balance', async () => {
    const appeal = {
      id: 'a1', assignmentId: 'x1', text: 'Review 901 is negative.', evidence: '{"kind":"FAILED_GOLDS","failedGolds":["g1"]}',
      createdAt: '2025-04-03T09:00:00Z', jobId: 3, workerId: 8, label: 'negative', item: 'i4',
    };
    const api = await boot({
      'GET /api/me': () => json(200, { ...requester, roles: ['QUALITY_MANAGER'] }),
      'GET /api/qm/jobs': () => json(200, [{ job: { id: 3, title: 'Their job', status: 'PUBLISHED', rewardMinor: 5, overlapMin: 1, overlapMax: 3, goldRate: 0.1, itemCount: 10, goldCount: 2, createdAt: '2025-04-01T09:00:00Z' }, requesterId: 2, requesterEmail: 'owner@example.org' }]),
      'GET /api/qm/appeals': () => json(200, [appeal]),
      'GET /api/qm/rejections': () => json(200, []),
      'GET /api/gold-sets': () => json(200, []),
      'POST /api/qm/appeals/a1/reverse': () => json(200, { assignmentId: 'a1', status: 'REVERSED' }),
    });
    await flush(5);
    expect(location.hash).toBe('#/quality');
    expect(document.querySelector('h1')!.textContent).toBe('Quality console');
    expect(document.getElementById('balance')).toBeNull();
    expect(document.getElementById('new-job')).toBeNull();
    expect(api.calls).not.toContain('GET /api/account');
    const row = document.querySelector<HTMLElement>('[data-testid=job]')!;
    expect(row.querySelector('th')!.textContent).toBe('Their jobowner@example.org');
    const pending = document.querySelector<HTMLElement>('[data-testid=pending-appeals]')!;
    expect([...pending.children].slice(1, 7).map((c) => c.textContent)).toEqual(['3', '8', 'i4', 'negative', 'Review 901 is negative.', 'Failed golds: g1']);
    expect(document.querySelector('[data-testid=no-rejections]')!.textContent).toBe('Nothing waiting.');
    pending.querySelector<HTMLButtonElement>('[data-action=reverse]')!.click();
    await flush(5);
    expect(api.calls).toContain('POST /api/qm/appeals/a1/reverse');
    expect(document.getElementById('queue-status')!.textContent).toBe('i4: reversed.');
    expect(document.getElementById('switch-view')).toBeNull();
  });

  it('lets a requester who is also a quality manager switch between his jobs and the console', async () => {
    history.replaceState(null, '', '#/jobs');
    await boot({ 'GET /api/me': () => json(200, { ...requester, roles: ['REQUESTER', 'QUALITY_MANAGER'] }), ...dashboardRoutes });
    expect(document.querySelector('h1')!.textContent).toBe('Dashboard');
    expect(document.getElementById('switch-view')!.getAttribute('href')).toBe('#/quality');
  });
});
