/**
 * Review: the answers still in their review window that evidence speaks against (the crowd's label, or the worker's
 * failed golds), strongest first, each rejected with one click and a reason the worker will read.
 */
import type { ReviewCandidate, ReviewQueue } from '../api/requester';
import { h } from '@common/lib/dom';
import { formatCount, formatDateTime, formatPercent } from '@common/lib/format';
import { describeError } from '@common/lib/http';

export type RejectFn = (answer: ReviewCandidate, evidence: 'POSTERIOR' | 'FAILED_GOLDS', reason: string, button: HTMLButtonElement) => void;

/** {@code queue} is the error when it could not be read. */
export function renderReview(queue: ReviewQueue | unknown, onReject: RejectFn): HTMLElement {
  const q = queue && typeof queue === 'object' && Array.isArray((queue as ReviewQueue).answers) ? (queue as ReviewQueue) : null;
  const reason = h('input', {
    id: 'review-reason',
    maxlength: 2000,
    value: 'Your answer contradicts the evidence for this item.',
    'aria-label': 'Reason the worker will read',
  }) as HTMLInputElement;
  const summary =
    q === null
      ? h('p', { class: 'alert alert-error', role: 'alert' }, `Review: ${describeError(queue)}`)
      : h(
          'p',
          { 'data-testid': 'review-summary' },
          q.total === 0
            ? 'No answer open to review has evidence against it.'
            : `${formatCount(q.total)} answers open to review have evidence against them${q.total > q.answers.length ? ` (the strongest ${formatCount(q.answers.length)} shown)` : ''}.`,
        );
  const rows = (q?.answers ?? []).map((a) => {
    const buttons = a.evidence.map((kind) => {
      const b = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': `reject-${kind.toLowerCase()}` }, kind === 'POSTERIOR' ? 'Reject: crowd disagrees' : 'Reject: failed golds') as HTMLButtonElement;
      b.addEventListener('click', () => onReject(a, kind, reason.value.trim(), b));
      return b;
    });
    return h(
      'tr',
      { 'data-testid': 'review-answer', 'data-id': a.assignmentId },
      h('th', { scope: 'row' }, a.item),
      h('td', null, String(a.worker)),
      h('td', null, a.label),
      h('td', null, a.crowdLabel ? `${a.crowdLabel} (${formatPercent(a.crowdConfidence ?? 0)})` : '—'),
      h('td', { class: 'num' }, a.goldAnswered === 0 ? '—' : `${formatCount(a.goldFailed)} of ${formatCount(a.goldAnswered)} failed`),
      h('td', null, formatDateTime(a.windowClosesAt)),
      h('td', null, h('div', { class: 'actions' }, buttons)),
    );
  });
  return h(
    'div',
    { class: 'review', id: 'review' },
    h('h3', null, 'Review'),
    summary,
    h('div', { id: 'review-status', 'aria-live': 'polite' }),
    rows.length === 0
      ? null
      : h(
          'div',
          null,
          h('label', { class: 'field' }, h('span', null, 'Reason the worker will read'), reason),
          h(
            'div',
            { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Answers to review' },
            h(
              'table',
              { class: 'data-table' },
              h('thead', null, h('tr', null, ['Item', 'Worker', 'Answer', 'Crowd says', 'Worker’s golds here', 'Window closes', ''].map((c, i) => h('th', { scope: 'col', class: i === 4 ? 'num' : null }, c)))),
              h('tbody', null, rows),
            ),
          ),
          h('p', { class: 'muted small' }, `Unrejected answers are accepted and paid when their window closes. Rejections of one worker beyond a share of his answers to you wait for a quality manager.`),
        ),
  );
}
