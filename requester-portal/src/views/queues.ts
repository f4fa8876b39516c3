/**
 * The quality manager's queues: appeals from workers and rejections held because a requester went past the cap on
 * one worker, each with the answer it is about and its evidence, decided with one click.
 */
import type { PendingDecision, RequesterApi } from '../api/requester';
import { h, replaceChildren, setLoadState } from '@common/lib/dom';
import { formatDateTime } from '@common/lib/format';
import { describeError } from '@common/lib/http';

/** The evidence JSON as a sentence: which golds were failed, or what the crowd said with what confidence. */
export function describeEvidence(json: string | null): string {
  if (!json) return '—';
  try {
    const e = JSON.parse(json) as { kind?: string; failedGolds?: string[]; posteriorLabel?: string; confidence?: number };
    if (e.kind === 'FAILED_GOLDS') return `Failed golds: ${(e.failedGolds ?? []).join(', ') || 'none listed'}`;
    if (e.kind === 'POSTERIOR') return `The crowd says ${e.posteriorLabel ?? '?'} (${Math.round((e.confidence ?? 0) * 100)}% sure)`;
    return json;
  } catch {
    return json;
  }
}

export function queuesSection(api: RequesterApi): { element: HTMLElement; reload: () => Promise<void> } {
  const body = h('div', { id: 'queue-lists' }, h('p', { class: 'muted' }, 'Loading…'));
  const status = h('div', { id: 'queue-status', 'aria-live': 'polite' });
  const element = h(
    'section',
    { id: 'qm-queues', class: 'card', 'aria-labelledby': 'qm-queues-title' },
    h('h2', { id: 'qm-queues-title' }, 'Waiting for a decision'),
    status,
    body,
  );

  async function reload(): Promise<void> {
    setLoadState(element, 'loading');
    try {
      const [appeals, rejections] = await Promise.all([api.pendingAppeals(), api.pendingRejections()]);
      replaceChildren(
        body,
        h('h3', null, `Appeals (${appeals.length})`),
        list('appeals', appeals, [['reverse', 'Reverse: accept and pay'], ['uphold', 'Uphold the rejection']]),
        h('h3', null, `Rejections over the cap (${rejections.length})`),
        list('rejections', rejections, [['approve', 'Approve the rejection'], ['deny', 'Deny: the answer stays']]),
      );
      setLoadState(element, 'ready');
    } catch (e) {
      replaceChildren(body, h('p', { class: 'alert alert-error', role: 'alert' }, describeError(e)));
      setLoadState(element, 'error');
    }
  }

  function list(kind: 'appeals' | 'rejections', pending: PendingDecision[], verdicts: [string, string][]): HTMLElement {
    if (pending.length === 0) return h('p', { class: 'empty-state', 'data-testid': `no-${kind}` }, 'Nothing waiting.');
    return h(
      'div',
      { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': kind },
      h(
        'table',
        { class: 'data-table' },
        h('thead', null, h('tr', null, ['Since', 'Job', 'Worker', 'Item', 'Answer', kind === 'appeals' ? 'Worker says' : 'Requester says', 'Evidence', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          pending.map((p) => {
            const buttons = verdicts.map(([verdict, text]) => {
              const b = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': verdict }, text) as HTMLButtonElement;
              b.addEventListener('click', () => {
                row.querySelectorAll('button').forEach((x) => (x.disabled = true));
                void api
                  .decide(kind, p.id, verdict as 'uphold' | 'reverse' | 'approve' | 'deny')
                  .then(async (r) => {
                    await reload();
                    replaceChildren(status, h('p', { role: 'status' }, `${p.item}: ${r.status.toLowerCase()}.`));
                  })
                  .catch((e: unknown) => {
                    row.querySelectorAll('button').forEach((x) => (x.disabled = false));
                    replaceChildren(status, h('p', { class: 'alert alert-error', role: 'alert' }, describeError(e)));
                  });
              });
              return b;
            });
            const row = h(
              'tr',
              { 'data-testid': `pending-${kind}`, 'data-id': p.id },
              h('td', null, formatDateTime(p.createdAt)),
              h('td', null, String(p.jobId)),
              h('td', null, String(p.workerId)),
              h('td', null, p.item),
              h('td', null, p.label ?? '—'),
              h('td', null, p.text),
              h('td', null, describeEvidence(p.evidence)),
              h('td', null, h('div', { class: 'actions' }, buttons)),
            );
            return row;
          }),
        ),
      ),
    );
  }

  return { element, reload };
}
