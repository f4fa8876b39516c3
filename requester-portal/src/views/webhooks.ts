/**
 * Webhooks: the requester's endpoints (add one — its signing secret is shown once —, ping, remove) and, per endpoint,
 * its recent deliveries with their status, attempts and last error, each of which can be sent again.
 */
import type { RequesterApi, WebhookDelivery, WebhookEndpoint } from '../api/requester';
import { h, replaceChildren, setLoadState } from '@common/lib/dom';
import { formatDateTime } from '@common/lib/format';
import { describeError } from '@common/lib/http';
import { statusArea } from './status';

export function webhooksSection(api: RequesterApi): { element: HTMLElement; reload: () => Promise<void> } {
  const list = h('div', { id: 'webhook-list' }, h('p', { class: 'muted' }, 'Loading webhooks…'));
  const { element: status, act } = statusArea('webhook-status');
  const url = h('input', { id: 'webhook-url', type: 'url', required: true, placeholder: 'https://example.com/goldfinch', 'aria-label': 'Endpoint URL' }) as HTMLInputElement;
  const add = h('button', { type: 'submit', class: 'btn', id: 'webhook-add' }, 'Add endpoint');
  const form = h('form', { class: 'inline-form', id: 'webhook-form' }, url, add);
  const element = h(
    'section',
    { id: 'webhooks', class: 'card', 'aria-labelledby': 'webhooks-title' },
    h('h2', { id: 'webhooks-title' }, 'Webhooks'),
    h('p', { class: 'muted small' }, 'Goldfinch POSTs job progress, completed items, paused and resumed jobs and completed jobs to these URLs, signed with each endpoint’s secret (header Goldfinch-Signature), and retries until your endpoint answers 2xx.'),
    form,
    status,
    list,
  );

  async function reload(): Promise<void> {
    setLoadState(element, 'loading');
    try {
      const endpoints = await api.webhooks();
      replaceChildren(list, endpoints.length === 0 ? h('p', { class: 'empty-state', id: 'no-webhooks' }, 'No endpoints yet.') : endpointTable(endpoints));
      setLoadState(element, 'ready');
    } catch (e) {
      replaceChildren(list, h('p', { class: 'alert alert-error', role: 'alert' }, describeError(e)));
      setLoadState(element, 'error');
    }
  }


  function endpointTable(endpoints: WebhookEndpoint[]): HTMLElement {
    const rows = endpoints.map((e) => {
      const deliveries = h('tr', { class: 'deliveries-row', hidden: true }, h('td', { colspan: 4 }));
      const show = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': 'deliveries' }, 'Deliveries') as HTMLButtonElement;
      const ping = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': 'ping', disabled: !e.active }, 'Send ping') as HTMLButtonElement;
      const remove = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': 'remove', disabled: !e.active }, 'Remove') as HTMLButtonElement;
      show.addEventListener('click', () =>
        void act(show, async () => {
          replaceChildren(deliveries.firstElementChild as HTMLElement, deliveryTable(await api.webhookDeliveries(e.id)));
          deliveries.hidden = false;
          return null;
        }),
      );
      ping.addEventListener('click', () => void act(ping, async () => (await api.pingWebhook(e.id), h('p', { role: 'status' }, `Ping queued for ${e.url}.`))));
      remove.addEventListener('click', () =>
        void act(remove, async () => {
          await api.removeWebhook(e.id);
          await reload();
          return h('p', { role: 'status' }, `${e.url} removed: nothing more is sent to it.`);
        }),
      );
      return [
        h(
          'tr',
          { 'data-testid': 'webhook', 'data-id': String(e.id) },
          h('th', { scope: 'row' }, h('code', null, e.url)),
          h('td', null, e.events.join(', ')),
          h('td', null, e.active ? 'Active' : 'Removed'),
          h('td', null, h('div', { class: 'actions' }, show, ping, remove)),
        ),
        deliveries,
      ];
    });
    return h(
      'div',
      { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Webhook endpoints' },
      h('table', { class: 'data-table' }, h('thead', null, h('tr', null, ['URL', 'Events', 'State', ''].map((c) => h('th', { scope: 'col' }, c)))), h('tbody', null, rows)),
    );
  }

  function deliveryTable(deliveries: WebhookDelivery[]): HTMLElement {
    if (deliveries.length === 0) return h('p', { class: 'muted' }, 'Nothing sent yet.');
    return h(
      'table',
      { class: 'data-table deliveries' },
      h('thead', null, h('tr', null, ['Event', 'Type', 'Status', 'Attempts', 'Last answer', 'Next attempt', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        null,
        deliveries.map((d) => {
          const replay = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': 'replay' }, 'Send again') as HTMLButtonElement;
          const row = h(
            'tr',
            { 'data-testid': 'delivery', 'data-status': d.status },
            h('td', null, String(d.eventId)),
            h('td', null, d.type),
            h('td', null, d.status),
            h('td', { class: 'num' }, String(d.attempts)),
            h('td', null, d.lastError ?? (d.lastStatus === null ? '—' : `HTTP ${d.lastStatus}`)),
            h('td', null, d.nextAttemptAt ? formatDateTime(d.nextAttemptAt) : '—'),
            h('td', null, replay),
          );
          replay.addEventListener('click', () =>
            void act(replay, async () => {
              const again = await api.replayDelivery(d.id);
              row.dataset.status = again.status;
              row.children[2]!.textContent = again.status;
              row.children[3]!.textContent = String(again.attempts);
              return h('p', { role: 'status' }, `Event ${String(d.eventId)} will be sent again.`);
            }),
          );
          return row;
        }),
      ),
    );
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const target = url.value.trim();
    if (!target) return;
    void act(add, async () => {
      const created = await api.createWebhook(target);
      url.value = '';
      await reload();
      return h(
        'div',
        { class: 'alert alert-info', role: 'status', 'data-testid': 'webhook-secret' },
        h('p', null, `Endpoint added. Its signing secret, shown only now — keep it to check each request’s Goldfinch-Signature:`),
        h('code', null, created.secret ?? ''),
      );
    });
  });

  return { element, reload };
}
