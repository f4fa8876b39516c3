import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthApi } from '../api/auth';
import { HttpClient } from '../lib/http';
import { json, problem, scriptedFetch, type Reply } from '../test/fakes';
import { signInView, signUpView } from './auth';

const user = { id: 1, email: 'ann@example.org', displayName: 'Ann', roles: ['WORKER'] };

function setup(kind: 'signin' | 'signup', ...replies: Reply[]) {
  const fetch = scriptedFetch(...replies);
  const auth = new AuthApi(new HttpClient({ fetch }));
  const onSignedIn = vi.fn();
  const view = (kind === 'signin' ? signInView : signUpView)({ auth, role: 'WORKER', audience: 'worker', onSignedIn });
  document.body.replaceChildren(view.element);
  return { fetch, onSignedIn };
}

function fill(id: string, value: string) {
  const input = document.getElementById(id) as HTMLInputElement;
  input.value = value;
}

const click = (id: string) => (document.getElementById(id) as HTMLButtonElement).click();
const text = (selector: string) => document.querySelector<HTMLElement>(selector)!;
const settle = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => document.body.replaceChildren());

describe('sign-in form', () => {
  it('has the stable ids the end-to-end tests use', () => {
    setup('signin');
    expect(document.querySelector('input#email[type=email]')).not.toBeNull();
    expect(document.querySelector('input#password[type=password]')).not.toBeNull();
    expect(document.querySelector('button#signin[type=submit]')).not.toBeNull();
  });

  it('signs in and reports the user; the token is not kept in storage', async () => {
    const { fetch, onSignedIn } = setup(
      'signin',
      json(200, { accessToken: 'secret-token', tokenType: 'Bearer', expiresIn: 3600, user }),
    );
    fill('email', '  ann@example.org ');
    fill('password', 'correct horse battery');
    click('signin');
    await settle();

    expect(fetch.requests[0]!.url).toBe('/api/auth/signin');
    expect(fetch.requests[0]!.body).toEqual({ email: 'ann@example.org', password: 'correct horse battery' });
    expect(onSignedIn).toHaveBeenCalledWith(user);
    expect(JSON.stringify({ ...localStorage })).not.toContain('secret-token');
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('secret-token');
  });

  it('shows the problem detail on failure and clears the password', async () => {
    const { onSignedIn } = setup('signin', problem(401, { title: 'Unauthorized', detail: 'Wrong email or password.' }));
    fill('email', 'ann@example.org');
    fill('password', 'wrong-password');
    click('signin');
    await settle();

    expect(text('#form-error').hidden).toBe(false);
    expect(text('#form-error').textContent).toBe('Wrong email or password.');
    expect((document.getElementById('password') as HTMLInputElement).value).toBe('');
    expect(onSignedIn).not.toHaveBeenCalled();
    expect((document.getElementById('signin') as HTMLButtonElement).disabled).toBe(false);
  });

  it('checks for empty fields before calling the server', async () => {
    const { fetch } = setup('signin');
    click('signin');
    await settle();
    expect(fetch.requests).toHaveLength(0);
    expect(text('#email-error').textContent).toBe('Enter your email address.');
    expect(text('#email').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement?.id).toBe('email');
  });
});

describe('sign-up form', () => {
  it('places a framework validation message ("path: message") under its field', async () => {
    setup('signup', problem(400, { title: 'Bad Request', detail: 'signUp.body.password: size must be between 10 and 200' }));
    fill('display-name', 'Ann');
    fill('email', 'ann@example.org');
    fill('password', 'long-enough-password');
    click('signup');
    await settle();
    expect(text('#password-error').textContent).toBe('Password size must be between 10 and 200');
    expect(text('#form-error').textContent).toBe('Please correct the marked field.');
    expect(document.activeElement?.id).toBe('password');
  });

  it('shows a conflict detail as a sentence', async () => {
    setup('signup', problem(409, { title: 'Conflict', detail: 'an account with this email already exists' }));
    fill('display-name', 'Ann');
    fill('email', 'ann@example.org');
    fill('password', 'long-enough-password');
    click('signup');
    await settle();
    expect(text('#form-error').textContent).toBe('An account with this email already exists');
  });

  it('creates a worker account and signs straight in', async () => {
    const { fetch, onSignedIn } = setup(
      'signup',
      json(201, user),
      json(200, { accessToken: 't', tokenType: 'Bearer', expiresIn: 3600, user }),
    );
    fill('display-name', 'Ann');
    fill('email', 'ann@example.org');
    fill('password', 'long-enough-password');
    click('signup');
    await settle();
    await settle();

    expect(fetch.requests.map((r) => r.url)).toEqual(['/api/auth/signup', '/api/auth/signin']);
    expect(fetch.requests[0]!.body).toEqual({
      email: 'ann@example.org',
      password: 'long-enough-password',
      displayName: 'Ann',
      role: 'WORKER',
    });
    expect(onSignedIn).toHaveBeenCalledWith(user);
  });

  it('refuses a password shorter than 10 characters without calling the server', async () => {
    const { fetch } = setup('signup');
    fill('display-name', 'Ann');
    fill('email', 'ann@example.org');
    fill('password', 'short');
    click('signup');
    await settle();
    expect(fetch.requests).toHaveLength(0);
    expect(text('#password-error').textContent).toBe('Use at least 10 characters.');
  });

  it("puts the server's field errors under their fields", async () => {
    setup(
      'signup',
      problem(422, {
        title: 'Invalid request',
        detail: 'Some fields are invalid.',
        errors: [
          { field: 'signUp.body.email', message: 'is already registered' },
          { field: '', message: 'signUp.body.captcha: is required' },
        ],
      }),
    );
    fill('display-name', 'Ann');
    fill('email', 'ann@example.org');
    fill('password', 'long-enough-password');
    click('signup');
    await settle();

    expect(text('#email-error').textContent).toBe('Email is already registered');
    expect(text('#email').getAttribute('aria-invalid')).toBe('true');
    expect(text('#password-error').hidden).toBe(true);
    expect(text('#form-error').textContent).toBe('Some fields are invalid. signUp.body.captcha: is required');
  });
});
