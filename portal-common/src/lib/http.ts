/**
 * A small JSON client for the Goldfinch REST API.
 *
 * Authentication rides on the HTTP-only cookie the API sets on sign-in, so every request is sent with
 * `credentials: 'same-origin'` and no token is ever kept in script-readable storage.
 * Errors are RFC 9457 problem details ({type,title,status,detail,errors}); they surface as {@link ApiError}.
 */

export interface FieldError {
  field: string;
  message: string;
}

/** Status 0 means the request never got an HTTP answer (network down, timeout). */
export const NETWORK_ERROR_STATUS = 0;

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | null;
  readonly type: string | null;
  readonly fieldErrors: readonly FieldError[];
  /** How long the server asked us to wait before retrying (its Retry-After header), or null when it did not say. */
  readonly retryAfterMs: number | null;

  constructor(init: {
    status: number;
    title: string;
    detail?: string | null;
    type?: string | null;
    fieldErrors?: readonly FieldError[];
    retryAfterMs?: number | null;
  }) {
    super(init.detail || init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail ?? null;
    this.type = init.type ?? null;
    this.fieldErrors = init.fieldErrors ?? [];
    this.retryAfterMs = init.retryAfterMs ?? null;
  }

  /** The sentence to show a person: the problem's detail, else its title. */
  get userMessage(): string {
    return this.detail || this.title;
  }

  /** Worth retrying with the same idempotency key: no answer at all, or a server-side failure. */
  get isTransient(): boolean {
    return this.status === NETWORK_ERROR_STATUS || this.status >= 500 || this.status === 429;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Serialised as JSON when present. */
  body?: unknown;
  /** A body sent as is with its media type (an upload of CSV or JSONL); ignored when {@link body} is present. */
  text?: { content: string; contentType: string };
  query?: Record<string, string | number | undefined | null>;
  headers?: Record<string, string>;
  /** Lets a request outlive the page (used to release leases on page hide). */
  keepalive?: boolean;
}

export interface ApiResponse<T> {
  status: number;
  /** Parsed JSON body, or null for 204 / empty bodies. */
  body: T | null;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpClientOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Called once for every 401 answer, before the error is thrown (the app shows the sign-in form). */
  onUnauthorized?: () => void;
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 20_000;

export class HttpClient {
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  onUnauthorized: (() => void) | undefined;
  /** Server clock minus local clock in ms, learnt from the Date header (lease timers use it). */
  private clockOffsetMs = 0;

  constructor(options: HttpClientOptions = {}) {
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.onUnauthorized = options.onUnauthorized;
    this.now = options.now ?? (() => Date.now());
  }

  /** The current time as the server sees it, in epoch ms. */
  serverNow(): number {
    return this.now() + this.clockOffsetMs;
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      ...options.headers,
    };
    const init: RequestInit = {
      method: options.method ?? 'GET',
      credentials: 'same-origin',
      headers,
      keepalive: options.keepalive ?? false,
    };
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    } else if (options.text !== undefined) {
      headers['Content-Type'] = options.text.contentType;
      init.body = options.text.content;
    }
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    if (controller) init.signal = controller.signal;
    const timer = controller ? setTimeout(() => controller.abort(), this.timeoutMs) : null;

    let response: Response;
    try {
      response = await this.fetchImpl(withQuery(path, options.query), init);
    } catch (cause) {
      const timedOut = controller?.signal.aborted ?? false;
      throw new ApiError({
        status: NETWORK_ERROR_STATUS,
        title: timedOut ? 'The server took too long to answer' : 'Cannot reach the server',
        detail: timedOut
          ? 'The request timed out. Check your connection and try again.'
          : 'The request could not be sent. Check your connection and try again.',
        type: cause instanceof Error ? cause.name : null,
      });
    } finally {
      if (timer !== null) clearTimeout(timer);
    }

    this.learnClock(response);
    const text = await safeText(response);
    if (response.ok) {
      return { status: response.status, body: parseJsonOrNull<T>(text, response.status) };
    }
    if (response.status === 401) this.onUnauthorized?.();
    throw problemFromResponse(response.status, response.statusText, text,
      parseRetryAfter(response.headers?.get('Retry-After') ?? null, this.now()));
  }

  private learnClock(response: Response): void {
    const date = response.headers?.get('Date');
    if (!date) return;
    const serverMs = Date.parse(date);
    if (Number.isNaN(serverMs)) return;
    // The Date header has one-second resolution: ignore differences below that noise.
    const offset = serverMs - this.now();
    this.clockOffsetMs = Math.abs(offset) > 2_000 ? offset : 0;
  }
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

async function safeText(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch {
    return '';
  }
}

function parseJsonOrNull<T>(text: string, status: number): T | null {
  if (status === 204 || text.trim() === '') return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError({
      status,
      title: 'Unexpected answer from the server',
      detail: 'The server sent a response that is not JSON.',
    });
  }
}

const GENERIC_TITLES: Record<number, string> = {
  400: 'The request was not valid',
  401: 'Please sign in',
  403: 'You do not have access to this',
  404: 'Not found',
  409: 'Conflict',
  422: 'Some fields need attention',
  429: 'Too many requests; please wait a moment',
};

/** Longest Retry-After honoured (a server asking for more is treated as asking for this). */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * A Retry-After header in ms: delay-seconds ("2") or an HTTP date, clamped to [0, MAX_RETRY_AFTER_MS]; null when
 * absent or unreadable.
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const value = header.trim();
  let ms: number;
  if (/^\d+$/.test(value)) {
    ms = Number(value) * 1000;
  } else {
    // An HTTP date names its day and month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone would take "-3".
    if (!/[A-Za-z]/.test(value)) return null;
    const at = Date.parse(value);
    if (Number.isNaN(at)) return null;
    ms = at - nowMs;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/** Builds an ApiError from any error body: problem+json, plain JSON, HTML from a proxy, or nothing. */
export function problemFromResponse(status: number, statusText: string, text: string, retryAfterMs: number | null = null): ApiError {
  const fallbackTitle =
    GENERIC_TITLES[status] ?? (status >= 500 ? `Server error (${status})` : statusText || `HTTP ${status}`);
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!isRecord(parsed)) {
    return new ApiError({ status, title: fallbackTitle, retryAfterMs });
  }
  const title = asString(parsed.title) ?? asString(parsed.message) ?? fallbackTitle;
  const detail = asString(parsed.detail);
  const type = asString(parsed.type);
  const fieldErrors: FieldError[] = [];
  if (Array.isArray(parsed.errors)) {
    for (const e of parsed.errors) {
      if (isRecord(e)) {
        const message = asString(e.message);
        if (message) fieldErrors.push({ field: asString(e.field) ?? '', message });
      }
    }
  }
  return new ApiError({ status, title, detail, type, fieldErrors, retryAfterMs });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** A sentence for any thrown value, for alerts. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) return sentence(e.userMessage);
  if (e instanceof Error && e.message) return sentence(e.message);
  return 'Something went wrong.';
}

/**
 * Capitalises a server message written in lower case ("email or password is wrong"), leaving a leading identifier
 * ("jobId must be a number", "x.y: …") as it is.
 */
export function sentence(text: string): string {
  const firstWord = /^\S+/.exec(text)?.[0] ?? '';
  if (!/^[a-z][a-z']*[,;]?$/.test(firstWord)) return text;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
