/** The requester portal: the shared shell (@common/app/shell) with the dashboard. */
import { hasRole } from '@common/api/auth';
import { PortalShell, wrongPortalView, type AppDeps } from '@common/app/shell';
import type { Route } from '@common/lib/router';
import type { View } from '@common/views/view';
import { RequesterApi } from './api/requester';
import { dashboardView } from './views/dashboard';

export type { AppDeps };

export class RequesterApp extends PortalShell {
  private readonly api: RequesterApi;

  constructor(root: HTMLElement, deps: AppDeps = {}) {
    // Quality managers and admins use this portal's quality console (#/quality).
    super(root, deps, { role: 'REQUESTER', portalName: 'Requester', audience: 'requester', alsoFor: ['QUALITY_MANAGER', 'ADMIN'] });
    this.api = new RequesterApi(this.http);
  }

  protected signedInPage(route: Route): View {
    const user = this.currentUser();
    const requester = hasRole(user, 'REQUESTER');
    const overseer = hasRole(user, 'QUALITY_MANAGER') || hasRole(user, 'ADMIN');
    if (overseer && (route.name === 'quality' || !requester)) {
      if (route.name !== 'quality') history.replaceState(null, '', '#/quality');
      return this.dashboard(route.name === 'quality' ? route.params[0] : undefined, true, requester);
    }
    if (route.name === 'jobs') return this.dashboard(route.params[0], false, overseer);
    // '', 'signin', 'signup' or unknown: a signed-in requester lands on the dashboard.
    if (route.name !== '') history.replaceState(null, '', '#/jobs');
    return this.dashboard(undefined, false, overseer);
  }

  /** The dashboard, or (console) the quality console; {@code both}: the user may use the other one too. */
  private dashboard(selectedJobId: string | undefined, console: boolean, both: boolean): View {
    const base = console ? '#/quality' : '#/jobs';
    return dashboardView({
      api: this.api,
      selectedJobId,
      console,
      switchTo: both ? (console ? { href: '#/jobs', label: 'My jobs' } : { href: '#/quality', label: 'Quality console' }) : undefined,
      // The URL follows the chosen job without re-mounting the page; Back re-mounts with the earlier choice.
      onSelect: (id) => history.pushState(null, '', `${base}/${encodeURIComponent(String(id))}`),
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
