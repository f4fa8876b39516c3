/** The worker portal: the shared shell (@common/app/shell) with the jobs page and the labeling view. */
import { PortalShell, wrongPortalView, type AppDeps } from '@common/app/shell';
import type { Route } from '@common/lib/router';
import type { View } from '@common/views/view';
import { WorkerApi } from './api/worker';
import { jobsView } from './views/jobs';
import { labelingView } from './views/labeling';

export type { AppDeps };

export class WorkerApp extends PortalShell {
  private readonly api: WorkerApi;

  constructor(root: HTMLElement, deps: AppDeps = {}) {
    super(root, deps, { role: 'WORKER', portalName: 'Worker', audience: 'worker' });
    this.api = new WorkerApi(this.http);
  }

  protected override listen(on: boolean): void {
    super.listen(on);
    if (on) window.addEventListener('pageshow', this.onPageShow);
    else window.removeEventListener('pageshow', this.onPageShow);
  }

  /** Back from the back/forward cache: the labeling page handed its tasks back on pagehide, so start it afresh. */
  private readonly onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) this.route();
  };

  protected signedInPage(route: Route): View {
    if (route.name === 'label') return labelingView({ source: this.api, jobId: route.params[0] });
    // '', 'signin', 'signup' or unknown: a signed-in worker lands on the jobs page.
    if (route.name !== 'jobs' && route.name !== '') history.replaceState(null, '', '#/jobs');
    return jobsView(this.api);
  }

  protected wrongPortal(): View {
    return wrongPortalView({
      title: 'Not a worker account',
      heading: 'This is not a worker account',
      body: 'You are signed in with an account that cannot take tasks. Requesters use the ',
      otherPortal: { href: '/requester/', name: 'requester portal' },
    });
  }
}
