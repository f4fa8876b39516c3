/**
 * The portal shell both portals extend: who is signed in, which page shows, the header with sign-out, sign-in and
 * sign-up, deep links kept across sign-in, a 401 mid-session, the wrong kind of account and an unreachable server.
 * A portal supplies its pages (signedInPage) and the "wrong portal" page.
 */
import { AuthApi, hasRole, type Role, type User } from '../api/auth';
import { h, replaceChildren } from '../lib/dom';
import { HttpClient, describeError } from '../lib/http';
import { navigate, parseRoute, type Route } from '../lib/router';
import { signInView, signUpView } from '../views/auth';
import type { View } from '../views/view';

export interface AppDeps {
  http?: HttpClient;
}

export interface PortalOptions {
  /** The role an account needs here; new accounts signed up here get it. */
  role: 'WORKER' | 'REQUESTER';
  /** Shown in the header and the document title: "Worker" / "Requester". */
  portalName: string;
  /** Shown in the sign-in / sign-up headings: "worker" / "requester". */
  audience: string;
  /** Other roles that may use this portal too (quality managers and admins use the requester portal's console). */
  alsoFor?: readonly Role[];
}

/** Where the brand link points and where signing in lands without a deep link. */
const HOME = '#/jobs';

export abstract class PortalShell {
  protected readonly http: HttpClient;
  protected readonly auth: AuthApi;
  private user: User | null = null;
  private view: View | null = null;
  private flash: string | null = null;
  private listening = false;
  private returnTo: string | null = null;
  private readonly main: HTMLElement;
  private readonly userName: HTMLElement;
  private readonly userNav: HTMLElement;

  protected constructor(
    root: HTMLElement,
    deps: AppDeps,
    private readonly options: PortalOptions,
  ) {
    this.http = deps.http ?? new HttpClient();
    this.http.onUnauthorized = () => this.sessionEnded();
    this.auth = new AuthApi(this.http);

    this.userName = h('span', { id: 'user-name', class: 'user-name' });
    const signOut = h('button', { type: 'button', id: 'signout', class: 'btn btn-quiet' }, 'Sign out');
    signOut.addEventListener('click', () => void this.signOut(signOut));
    this.userNav = h('div', { id: 'user-nav', class: 'user-nav', hidden: true }, this.userName, signOut);
    this.main = h('main', { id: 'main', class: 'main', tabindex: -1 });
    replaceChildren(
      root,
      h('a', { href: '#main', class: 'skip-link', onclick: (e) => (e.preventDefault(), this.main.focus()) }, 'Skip to content'),
      h('header', { class: 'topbar' }, h('a', { href: HOME, class: 'brand' }, 'Goldfinch ', h('span', { class: 'brand-tag' }, options.portalName)), this.userNav),
      this.main,
    );
  }

  /** Who is signed in (null before sign-in). */
  protected currentUser(): User | null {
    return this.user;
  }

  /** The page for a route once a user with the portal's role is signed in. */
  protected abstract signedInPage(route: Route): View;

  /** Shown to a signed-in account without the portal's role. */
  protected abstract wrongPortal(): View;

  /** Adds (on = true) or removes the window listeners; a portal may add its own around super's. */
  protected listen(on: boolean): void {
    if (on) window.addEventListener('hashchange', this.onHashChange);
    else window.removeEventListener('hashchange', this.onHashChange);
  }

  async start(): Promise<void> {
    if (!this.listening) {
      this.listen(true);
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
    this.listen(false);
    this.listening = false;
    this.view?.dispose?.();
    this.view = null;
  }

  private readonly onHashChange = () => this.route();

  protected route(): void {
    const route = parseRoute(window.location.hash);
    if (!this.user) {
      // Remember a deep link (e.g. #/label/3) to open once signed in.
      if (!['', 'signin', 'signup'].includes(route.name)) this.returnTo = window.location.hash;
      this.mount(route.name === 'signup' ? this.signUp() : this.signIn());
      return;
    }
    if (!hasRole(this.user, this.options.role) && !(this.options.alsoFor ?? []).some((r) => hasRole(this.user, r))) {
      this.mount(this.wrongPortal());
      return;
    }
    this.mount(this.signedInPage(route));
  }

  private signIn(): View {
    const { role, audience } = this.options;
    const view = signInView({ auth: this.auth, role, audience, flash: this.flash, onSignedIn: (u) => this.signedIn(u) });
    this.flash = null;
    return view;
  }

  private signUp(): View {
    const { role, audience } = this.options;
    return signUpView({ auth: this.auth, role, audience, onSignedIn: (u) => this.signedIn(u) });
  }

  private signedIn(user: User): void {
    this.setUser(user);
    const target = this.returnTo ?? HOME;
    this.returnTo = null;
    navigate(target);
  }

  private async signOut(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    // Dispose the page before the session ends: it may hand back a leased task or stop refreshing.
    this.view?.dispose?.();
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
    document.title = `${view.title} · Goldfinch ${this.options.portalName}`;
    const heading = view.element.querySelector<HTMLElement>('h1[tabindex]');
    if (previous && heading) heading.focus({ preventScroll: true });
  }

  private bootFailed(e: unknown): View {
    const retry = h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void this.start() }, 'Try again');
    return {
      title: 'Unavailable',
      element: h('section', { class: 'card auth-card' }, h('h1', null, 'Goldfinch is not reachable'), h('p', { class: 'alert alert-error', role: 'alert' }, describeError(e)), retry),
    };
  }
}

/** The page for a signed-in account of the wrong kind, pointing to the other portal. */
export function wrongPortalView(options: { title: string; heading: string; body: string; otherPortal: { href: string; name: string } }): View {
  return {
    title: options.title,
    element: h(
      'section',
      { class: 'card auth-card', id: 'wrong-portal' },
      h('h1', { tabindex: -1 }, options.heading),
      h('p', null, options.body, h('a', { href: options.otherPortal.href }, options.otherPortal.name), '.'),
    ),
  };
}
