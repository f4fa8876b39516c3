/** Sign-up, sign-in, sign-out and the current user: the same for both portals. */
import { ApiError, type HttpClient } from '../lib/http';

export type Role = 'WORKER' | 'REQUESTER' | (string & {});

export interface User {
  id: number | string;
  email: string;
  displayName: string;
  roles: Role[];
}

export interface SignUpRequest {
  email: string;
  password: string;
  displayName: string;
  role: 'WORKER' | 'REQUESTER';
}

export interface SignInResponse {
  /** Also set as an HTTP-only cookie by the server; the portals ignore this copy on purpose. */
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  user: User;
}

export const MIN_PASSWORD_LENGTH = 10;

export class AuthApi {
  constructor(private readonly http: HttpClient) {}

  async signUp(request: SignUpRequest): Promise<User> {
    const res = await this.http.request<User>('/api/auth/signup', { method: 'POST', body: request });
    return requireBody(res.body);
  }

  /** Signs in; the session lives in the cookie the server sets. Only the user is returned to callers. */
  async signIn(email: string, password: string): Promise<User> {
    const res = await this.http.request<SignInResponse>('/api/auth/signin', {
      method: 'POST',
      body: { email, password },
    });
    return requireBody(res.body).user;
  }

  async signOut(): Promise<void> {
    await this.http.request<void>('/api/auth/signout', { method: 'POST' });
  }

  /** The signed-in user, or null when there is no valid session (401). */
  async me(): Promise<User | null> {
    try {
      const res = await this.http.request<User>('/api/me');
      return res.body;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  }
}

export function hasRole(user: User | null, role: Role): boolean {
  return !!user && Array.isArray(user.roles) && user.roles.includes(role);
}

function requireBody<T>(body: T | null): T {
  if (body === null) throw new Error('The server sent an empty answer.');
  return body;
}
