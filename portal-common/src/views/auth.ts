/** Sign-in and sign-up pages. The portal decides the role a new account gets. */
import { MIN_PASSWORD_LENGTH, type AuthApi, type User } from '../api/auth';
import { h } from '../lib/dom';
import { busy, field, setAlert, setFieldError, showProblem, type Field } from '../lib/forms';
import type { View } from './view';

export interface AuthViewOptions {
  auth: AuthApi;
  /** 'WORKER' for the worker portal, 'REQUESTER' for the requester portal. */
  role: 'WORKER' | 'REQUESTER';
  /** Shown in headings: "worker" / "requester". */
  audience: string;
  onSignedIn: (user: User) => void;
  /** A message to show above the form, e.g. after a session expired. */
  flash?: string | null;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

export function signInView(options: AuthViewOptions): View {
  const email = field({ id: 'email', name: 'email', label: 'Email', type: 'email', autocomplete: 'username' });
  const password = field({
    id: 'password',
    name: 'password',
    label: 'Password',
    type: 'password',
    autocomplete: 'current-password',
  });
  const alert = h('div', { id: 'form-error', class: 'alert alert-error', role: 'alert', hidden: true });
  const submit = h('button', { id: 'signin', type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in');
  const form = h('form', { id: 'signin-form', novalidate: true }, email.wrapper, password.wrapper, submit);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    setAlert(alert, null);
    const invalid = validate([
      [email, EMAIL_SHAPE.test(email.input.value.trim()) ? null : 'Enter your email address.'],
      [password, password.input.value ? null : 'Enter your password.'],
    ]);
    if (invalid) return;
    void busy(submit, 'Signing in…', async () => {
      try {
        const user = await options.auth.signIn(email.input.value.trim(), password.input.value);
        options.onSignedIn(user);
      } catch (e) {
        showProblem(alert, [email, password], e);
        password.input.value = '';
      }
    });
  });

  const element = h(
    'section',
    { class: 'auth-card card', 'aria-labelledby': 'auth-title' },
    h('h1', { id: 'auth-title', tabindex: -1 }, 'Sign in'),
    h('p', { class: 'muted' }, `Goldfinch ${options.audience} portal`),
    options.flash ? h('div', { class: 'alert alert-info', role: 'status' }, options.flash) : null,
    alert,
    form,
    h('p', { class: 'auth-switch' }, 'New here? ', h('a', { href: '#/signup', id: 'to-signup' }, `Create a ${options.audience} account`)),
  );
  return { title: 'Sign in', element };
}

export function signUpView(options: AuthViewOptions): View {
  const displayName = field({ id: 'display-name', name: 'displayName', label: 'Display name', autocomplete: 'nickname' });
  const email = field({ id: 'email', name: 'email', label: 'Email', type: 'email', autocomplete: 'email' });
  const password = field({
    id: 'password',
    name: 'password',
    label: 'Password',
    type: 'password',
    autocomplete: 'new-password',
    hint: `At least ${MIN_PASSWORD_LENGTH} characters.`,
    minlength: MIN_PASSWORD_LENGTH,
  });
  const fields = [displayName, email, password];
  const alert = h('div', { id: 'form-error', class: 'alert alert-error', role: 'alert', hidden: true });
  const submit = h('button', { id: 'signup', type: 'submit', class: 'btn btn-primary btn-block' }, 'Create account');
  const form = h('form', { id: 'signup-form', novalidate: true }, fields.map((f) => f.wrapper), submit);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    setAlert(alert, null);
    const invalid = validate([
      [displayName, displayName.input.value.trim() ? null : 'Choose a display name.'],
      [email, EMAIL_SHAPE.test(email.input.value.trim()) ? null : 'Enter a valid email address.'],
      [
        password,
        password.input.value.length >= MIN_PASSWORD_LENGTH
          ? null
          : `Use at least ${MIN_PASSWORD_LENGTH} characters.`,
      ],
    ]);
    if (invalid) return;
    void busy(submit, 'Creating account…', async () => {
      const credentials = { email: email.input.value.trim(), password: password.input.value };
      try {
        await options.auth.signUp({ ...credentials, displayName: displayName.input.value.trim(), role: options.role });
      } catch (e) {
        showProblem(alert, fields, e);
        return;
      }
      try {
        options.onSignedIn(await options.auth.signIn(credentials.email, credentials.password));
      } catch (e) {
        showProblem(alert, fields, e);
      }
    });
  });

  const element = h(
    'section',
    { class: 'auth-card card', 'aria-labelledby': 'auth-title' },
    h('h1', { id: 'auth-title', tabindex: -1 }, `Create a ${options.audience} account`),
    alert,
    form,
    h('p', { class: 'auth-switch' }, 'Already have an account? ', h('a', { href: '#/signin', id: 'to-signin' }, 'Sign in')),
  );
  return { title: 'Create account', element };
}

/** Shows each failing field's message; focuses the first. Returns true when something is invalid. */
function validate(checks: [Field, string | null][]): boolean {
  let first: Field | null = null;
  for (const [f, message] of checks) {
    setFieldError(f, message);
    if (message) first ??= f;
  }
  first?.input.focus();
  return first !== null;
}
