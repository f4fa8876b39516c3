/** The requester portal shell: who is signed in, which page shows, the header with sign-out. */
import { AuthApi, hasRole, type User } from '@common/api/auth';
import { RequesterApi } from './api/requester';
import { h, replaceChildren } from '@common/lib/dom';
import { HttpClient, describeError } from '@common/lib/http';
import { navigate, parseRoute } from '@common/lib/router';
import { signInView, signUpView } from '@common/views/auth';
import { dashboardView } from './views/dashboard';
import type { View } from '@common/views/view';

const ROLE = 'REQUESTER';
const PORTAL_NAME = 'Requester';

export interface AppDeps {
  http?: HttpClient;
}

export class RequesterApp {
  private readonly http: HttpClient;
  private readonly auth: AuthApi;
  private readonly api: RequesterApi;
  private user: User | null = null;
  private view: View | null = null;
  private flash: string | null = null;
  private listening = false;
  private returnTo: string | null = null;
  private readonly main: HTMLElement;
  private readonly userName: HTMLElement;
  private readonly userNav: HTMLElement;

  constructor(root: HTMLElement, deps: AppDeps = {}) {
    this.http = deps.http ?? new HttpClient();
    this.http.onUnauthorized = () => this.sessionEnded();
    this.auth = new AuthApi(this.http);
    this.api = new RequesterApi(this.http);

    this.userName = h('span', { id: 'user-name', class: 'user-name' });
    const signOut = h('button', { type: 'button', id: 'signout', class: 'btn btn-quiet' }, 'Sign out');
    signOut.addEventListener('click', () => void this.signOut(signOut));
    this.userNav = h('div', { id: 'user-nav', class: 'user-nav', hidden: true }, this.userName, signOut);
    this.main = h('main', { id: 'main', class: 'main', tabindex: -1 });
    replaceChildren(
      root,
      h('a', { href: '#main', class: 'skip-link', onclick: (e) => (e.preventDefault(), this.main.focus()) }, 'Skip to content'),
      h('header', { class: 'topbar' }, h('a', { href: '#/jobs', class: 'brand' }, 'Goldfinch ', h('span', { class: 'brand-tag' }, PORTAL_NAME)), this.userNav),
      this.main,
    );
  }

  async start(): Promise<void> {
    if (!this.listening) {
      window.addEventListener('hashchange', this.onHashChange);
      this.listening = true;
    }
    this.mount({ title: 'Loading', element: h('p', { class: 'muted loading' }, 'Loading…') });
    try {
      this.setUser(await this.auth.me());
    } catch (e) {
      this.mount(this.bootFailed(e));
      return;
    }
    this.route();
  }

  /** Stops routing and disposes the current page (tests mount several apps in one window). */
  dispose(): void {
    window.removeEventListener('hashchange', this.onHashChange);
    this.listening = false;
    this.view?.dispose?.();
    this.view = null;
  }

  private readonly onHashChange = () => this.route();

  private route(): void {
    const route = parseRoute(window.location.hash);
    if (!this.user) {
      // Remember a deep link (e.g. #/label/3) to open once signed in.
      if (!['', 'signin', 'signup'].includes(route.name)) this.returnTo = window.location.hash;
      this.mount(route.name === 'signup' ? this.signUp() : this.signIn());
      return;
    }
    if (!hasRole(this.user, ROLE)) {
      this.mount(this.wrongPortal());
      return;
    }
    if (route.name === 'jobs') {
      this.mount(this.dashboard(route.params[0]));
      return;
    }
    // '', 'signin', 'signup' or unknown: a signed-in requester lands on the dashboard.
    if (route.name !== '') history.replaceState(null, '', '#/jobs');
    this.mount(this.dashboard(undefined));
  }

  private dashboard(selectedJobId: string | undefined): View {
    return dashboardView({
      api: this.api,
      selectedJobId,
      // The URL follows the chosen job without re-mounting the page; Back re-mounts with the earlier choice.
      onSelect: (id) => history.pushState(null, '', `#/jobs/${encodeURIComponent(String(id))}`),
    });
  }

  private signIn(): View {
    const view = signInView({ auth: this.auth, role: ROLE, audience: 'requester', flash: this.flash, onSignedIn: (u) => this.signedIn(u) });
    this.flash = null;
    return view;
  }

  private signUp(): View {
    return signUpView({ auth: this.auth, role: ROLE, audience: 'requester', onSignedIn: (u) => this.signedIn(u) });
  }

  private signedIn(user: User): void {
    this.setUser(user);
    const target = this.returnTo ?? '#/jobs';
    this.returnTo = null;
    navigate(target);
  }

  private async signOut(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    this.view?.dispose?.(); // stop refreshing before the session ends
    this.view = null;
    try {
      await this.auth.signOut();
    } catch {
      // The cookie may already be gone; the portal forgets the user either way.
    }
    button.disabled = false;
    this.setUser(null);
    this.returnTo = null;
    navigate('#/signin');
  }

  /** A 401 from any call: the cookie expired or was cleared. */
  private sessionEnded(): void {
    if (!this.user) return;
    this.setUser(null);
    this.returnTo = window.location.hash || null;
    this.flash = 'Your session has ended. Please sign in again.';
    navigate('#/signin');
  }

  private setUser(user: User | null): void {
    this.user = user;
    this.userName.textContent = user ? user.displayName || user.email : '';
    this.userNav.hidden = !user;
  }

  private mount(view: View): void {
    const previous = this.view;
    this.view = view;
    previous?.dispose?.();
    replaceChildren(this.main, view.element);
    document.title = `${view.title} · Goldfinch ${PORTAL_NAME}`;
    const heading = view.element.querySelector<HTMLElement>('h1[tabindex]');
    if (previous && heading) heading.focus({ preventScroll: true });
  }

  private wrongPortal(): View {
    return {
      title: 'Not a requester account',
      element: h(
        'section',
        { class: 'card auth-card', id: 'wrong-portal' },
        h('h1', { tabindex: -1 }, 'This is not a requester account'),
        h('p', null, 'You are signed in with an account that cannot post jobs. Workers use the ', h('a', { href: '/worker/' }, 'worker portal'), '.'),
      ),
    };
  }

  private bootFailed(e: unknown): View {
    const retry = h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void this.start() }, 'Try again');
    return {
      title: 'Unavailable',
      element: h('section', { class: 'card auth-card' }, h('h1', null, 'Goldfinch is not reachable'), h('p', { class: 'alert alert-error', role: 'alert' }, describeError(e)), retry),
    };
  }
}
