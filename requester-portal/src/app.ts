/** The requester portal: the shared shell (@common/app/shell) with the dashboard. */
import { PortalShell, wrongPortalView, type AppDeps } from '@common/app/shell';
import type { Route } from '@common/lib/router';
import type { View } from '@common/views/view';
import { RequesterApi } from './api/requester';
import { dashboardView } from './views/dashboard';

export type { AppDeps };

export class RequesterApp extends PortalShell {
  private readonly api: RequesterApi;

  constructor(root: HTMLElement, deps: AppDeps = {}) {
    super(root, deps, { role: 'REQUESTER', portalName: 'Requester', audience: 'requester' });
    this.api = new RequesterApi(this.http);
  }

  protected signedInPage(route: Route): View {
    if (route.name === 'jobs') return this.dashboard(route.params[0]);
    // '', 'signin', 'signup' or unknown: a signed-in requester lands on the dashboard.
    if (route.name !== '') history.replaceState(null, '', '#/jobs');
    return this.dashboard(undefined);
  }

  private dashboard(selectedJobId: string | undefined): View {
    return dashboardView({
      api: this.api,
      selectedJobId,
      // The URL follows the chosen job without re-mounting the page; Back re-mounts with the earlier choice.
      onSelect: (id) => history.pushState(null, '', `#/jobs/${encodeURIComponent(String(id))}`),
    });
  }

  protected wrongPortal(): View {
    return wrongPortalView({
      title: 'Not a requester account',
      heading: 'This is not a requester account',
      body: 'You are signed in with an account that cannot post jobs. Workers use the ',
      otherPortal: { href: '/worker/', name: 'worker portal' },
    });
  }
}
