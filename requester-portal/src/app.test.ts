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
});
