import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '@common/lib/http';
import { flush, json, problem } from '@common/test/fakes';
import { RequesterApi, type WebhookDelivery, type WebhookEndpoint } from '../api/requester';
import { webhooksSection } from './webhooks';

afterEach(() => document.body.replaceChildren());
const $ = (s: string) => document.querySelector<HTMLElement>(s)!;

function server() {
  const endpoints: WebhookEndpoint[] = [];
  const deliveries: WebhookDelivery[] = [
    { id: 11, eventId: 5, type: 'items.completed', status: 'FAILED', attempts: 8, nextAttemptAt: null, lastStatus: 500, lastError: 'HTTP 500', deliveredAt: null, createdAt: '2025-04-03T09:00:00Z' },
  ];
  const requests: string[] = [];
  const fetch = async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    requests.push(`${method} ${url}${init?.body ? ' ' + String(init.body) : ''}`);
    if (url === '/api/webhooks' && method === 'POST') {
      const { url: target } = JSON.parse(String(init!.body)) as { url: string };
      if (!target.startsWith('http')) return problem(422, { title: 'Invalid', detail: 'url: must be an http or https URL with a host' });
      const e = { id: endpoints.length + 1, url: target, events: ['job.progress', 'items.completed', 'job.completed', 'ping'], active: true, createdAt: '2025-04-03T09:00:00Z' };
      endpoints.push(e);
      return json(201, { ...e, secret: 'whsec_0123' });
    }
    if (url === '/api/webhooks') return json(200, endpoints);
    if (url === '/api/webhooks/1' && method === 'DELETE') {
      endpoints[0]!.active = false;
      return new Response(null, { status: 204 });
    }
    if (url === '/api/webhooks/1/ping') return json(202, { eventId: 9 });
    if (url === '/api/webhooks/1/deliveries') return json(200, deliveries);
    if (url === '/api/webhooks/deliveries/11/replay') return json(202, { ...deliveries[0], status: 'PENDING', attempts: 0 });
    return problem(404, { title: 'Not found' });
  };
  return { api: new RequesterApi(new HttpClient({ fetch })), requests };
}

describe('webhooks section', () => {
  it('adds an endpoint and shows its secret once, lists deliveries, sends one again, pings and removes', async () => {
    const { api, requests } = server();
    const section = webhooksSection(api);
    document.body.replaceChildren(section.element);
    await section.reload();
    expect($('#no-webhooks').textContent).toBe('No endpoints yet.');

    // A bad URL: the server's reason, nothing added.
    ($('#webhook-url') as HTMLInputElement).value = 'ftp://x';
    $('#webhook-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    expect($('#webhook-status [role=alert]').textContent).toBe('url: must be an http or https URL with a host');

    ($('#webhook-url') as HTMLInputElement).value = ' https://example.com/hook ';
    $('#webhook-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    await flush();
    expect(requests).toContain('POST /api/webhooks {"url":"https://example.com/hook"}');
    expect($('[data-testid=webhook-secret] code').textContent).toBe('whsec_0123');
    expect(($('#webhook-url') as HTMLInputElement).value).toBe('');
    const row = $('[data-testid=webhook]');
    expect([...row.children].slice(0, 3).map((c) => c.textContent)).toEqual(['https://example.com/hook', 'job.progress, items.completed, job.completed, ping', 'Active']);

    row.querySelector<HTMLButtonElement>('[data-action=deliveries]')!.click();
    await flush();
    const delivery = $('[data-testid=delivery]');
    expect([...delivery.children].slice(0, 6).map((c) => c.textContent)).toEqual(['5', 'items.completed', 'FAILED', '8', 'HTTP 500', '—']);
    delivery.querySelector<HTMLButtonElement>('[data-action=replay]')!.click();
    await flush();
    expect(delivery.dataset.status).toBe('PENDING');
    expect(delivery.children[3]!.textContent).toBe('0');
    expect($('#webhook-status').textContent).toBe('Event 5 will be sent again.');

    row.querySelector<HTMLButtonElement>('[data-action=ping]')!.click();
    await flush();
    expect($('#webhook-status').textContent).toBe('Ping queued for https://example.com/hook.');

    row.querySelector<HTMLButtonElement>('[data-action=remove]')!.click();
    await flush();
    await flush();
    expect(requests).toContain('DELETE /api/webhooks/1');
    expect($('[data-testid=webhook]').children[2]!.textContent).toBe('Removed');
    expect($('[data-testid=webhook] [data-action=ping]').hasAttribute('disabled')).toBe(true);
  });

  it('shows why the endpoints could not be read', async () => {
    const api = new RequesterApi(new HttpClient({ fetch: async () => problem(503, { title: 'Unavailable', detail: 'Try again shortly' }) }));
    const section = webhooksSection(api);
    document.body.replaceChildren(section.element);
    await section.reload();
    expect($('#webhooks').dataset.state).toBe('error');
    expect($('#webhook-list [role=alert]').textContent).toBe('Try again shortly');
  });
});
