import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../lib/http';
import type { Route } from '../lib/router';
import { fakeApi, flush, json, problem, type RecordedRequest } from '../test/fakes';
import { h } from '../lib/dom';
import type { View } from '../views/view';
import { PortalShell, wrongPortalView, type AppDeps } from './shell';

/** A minimal portal: one page that shows the route it was given. */
class TestPortal extends PortalShell {
  constructor(root: HTMLElement, deps: AppDeps) {
    super(root, deps, { role: 'WORKER', portalName: 'Test', audience: 'tester' });
  }

  protected signedInPage(route: Route): View {
    return { title: 'Page', element: h('p', { id: 'page' }, [route.name, ...route.params].join('/')) };
  }

  protected wrongPortal(): View {
    return wrongPortalView({ title: 'Wrong', heading: 'Not here', body: 'Use the ', otherPortal: { href: '/other/', name: 'other portal' } });
  }
}

const ann = { id: 1, email: 'ann@example.org', displayName: '', roles: ['WORKER'] };

let app: TestPortal | null = null;
async function boot(routes: Record<string, (req: RecordedRequest) => Response>) {
  const api = fakeApi(routes);
  const root = document.createElement('div');
  document.body.replaceChildren(root);
  app = new TestPortal(root, { http: new HttpClient({ fetch: api.fetch }) });
  await app.start();
  await flush();
  return api;
}

beforeEach(() => history.replaceState(null, '', '#'));
afterEach(() => {
  app?.dispose();
  app = null;
  document.body.replaceChildren();
});

describe('PortalShell', () => {
  it('renders the header and titles pages with the portal name; the user name falls back to the email', async () => {
    history.replaceState(null, '', '#/things/4');
    await boot({ 'GET /api/me': () => json(200, ann) });
    expect(document.querySelector('.brand')!.textContent).toBe('Goldfinch Test');
    expect(document.getElementById('page')!.textContent).toBe('things/4');
    expect(document.title).toBe('Page · Goldfinch Test');
    expect(document.getElementById('user-name')!.textContent).toBe('ann@example.org');
    expect(document.getElementById('user-nav')!.hidden).toBe(false);
  });

  it('shows sign-up with the audience in the heading', async () => {
    history.replaceState(null, '', '#/signup');
    await boot({ 'GET /api/me': () => problem(401, { title: 'Unauthorized' }) });
    expect(document.getElementById('auth-title')!.textContent).toBe('Create a tester account');
  });

  it('points an account without the role to the other portal', async () => {
    await boot({ 'GET /api/me': () => json(200, { ...ann, roles: ['REQUESTER'] }) });
    const section = document.getElementById('wrong-portal')!;
    expect(section.querySelector('h1')!.textContent).toBe('Not here');
    expect(section.querySelector('a')!.getAttribute('href')).toBe('/other/');
    expect(document.title).toBe('Wrong · Goldfinch Test');
  });

  it('says when the server is unreachable and tries again on request', async () => {
    let up = false;
    await boot({ 'GET /api/me': () => (up ? json(200, ann) : problem(503, { title: 'Down for maintenance' })) });
    expect(document.body.textContent).toContain('Goldfinch is not reachable');
    up = true;
    document.querySelector<HTMLButtonElement>('.card button')!.click();
    await flush(10);
    expect(document.getElementById('page')).not.toBeNull();
  });
});
