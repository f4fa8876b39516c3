/**
 * The fast labeling view: the item, label buttons with hotkeys, instructions at hand and the lease countdown.
 * All logic lives in LabelingSession; this file only draws its state and forwards input to it.
 */
import type { Id, Task, TaskSource } from '../api/worker';
import { formatRemaining, remainingMs, urgency } from '../labeling/countdown';
import { hotkeyFor, hotkeyHint } from '../labeling/hotkeys';
import { renderItem } from '../labeling/item';
import { LabelingSession, type SessionOptions, type SessionSnapshot } from '../labeling/session';
import { h, replaceChildren } from '@common/lib/dom';
import { formatMoney } from '@common/lib/format';
import { renderMarkdown } from '../lib/markdown';
import type { View } from '@common/views/view';

export interface LabelingViewOptions {
  source: TaskSource;
  jobId?: Id;
  session?: Omit<SessionOptions, 'jobId'>;
  /** How often the empty state asks again by itself, and how many times at most. */
  recheckMs?: number;
  maxRechecks?: number;
  tickMs?: number;
}

export function labelingView(options: LabelingViewOptions): View {
  const recheckMs = options.recheckMs ?? 15_000;
  const maxRechecks = options.maxRechecks ?? 40;

  const title = h('h1', { id: 'task-title', tabindex: -1 }, 'Labeling');
  const pay = h('span', { id: 'task-pay', class: 'pill', hidden: true });
  const counter = h('span', { id: 'submitted-count', class: 'pill' }, '0 submitted');
  const timer = h('span', { id: 'lease-timer', class: 'timer', role: 'timer', 'aria-label': 'Time left on this task', hidden: true });
  const notice = h('div', { id: 'notice', class: 'alert alert-info', role: 'status', hidden: true });
  const body = h('div', { class: 'label-body' });
  const element = h(
    'div',
    { class: 'page labeling' },
    h(
      'div',
      { class: 'label-head' },
      h('a', { href: '#/jobs', id: 'back-to-jobs', class: 'btn btn-quiet' }, '← Jobs'),
      title,
      h('div', { class: 'label-meta' }, pay, counter, timer),
    ),
    notice,
    body,
  );

  // Parts of the task screen kept between renders, so the image does not reload when a label is picked.
  let shownAssignment: string | null = null;
  let shownInstructions: string | null = null;
  let instructionsOpen = true;
  let labelButtons: HTMLButtonElement[] = [];
  let submitButton: HTMLButtonElement | null = null;
  let skipButton: HTMLButtonElement | null = null;
  let taskError: HTMLElement | null = null;
  let instructionsPanel: HTMLDetailsElement | null = null;
  let rechecks = 0;
  let recheckTimer: ReturnType<typeof setTimeout> | null = null;

  const session = new LabelingSession(options.source, (snapshot) => render(snapshot), {
    ...options.session,
    jobId: options.jobId,
  });

  function render(snapshot: SessionSnapshot): void {
    const { state } = snapshot;
    counter.textContent = `${snapshot.submitted} submitted`;
    notice.textContent = snapshot.notice ?? '';
    notice.hidden = !snapshot.notice;
    if (recheckTimer !== null && state.kind !== 'empty') {
      clearTimeout(recheckTimer);
      recheckTimer = null;
    }
    if (state.kind !== 'task') {
      shownAssignment = null;
      timer.hidden = true;
      pay.hidden = true;
    }
    switch (state.kind) {
      case 'loading':
        replaceChildren(body, h('p', { id: 'task-loading', class: 'muted loading' }, 'Loading the next task…'));
        return;
      case 'empty':
        title.textContent = 'Labeling';
        renderEmpty();
        return;
      case 'failed':
        replaceChildren(
          body,
          h(
            'div',
            { class: 'empty-state', id: 'task-failed' },
            h('p', { class: 'alert alert-error', role: 'alert' }, `Could not load a task: ${state.message}`),
            h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void session.start() }, 'Try again'),
          ),
        );
        return;
      case 'stopped':
        return;
      case 'task':
        if (state.task.assignmentId !== shownAssignment) renderTask(state.task);
        labelButtons.forEach((button, i) => {
          button.setAttribute('aria-pressed', String(state.selected === i));
          button.disabled = state.submitting;
        });
        if (submitButton) {
          submitButton.disabled = state.submitting;
          replaceChildren(submitButton, state.submitting ? 'Submitting…' : ['Submit ', h('kbd', null, 'Enter')]);
        }
        if (skipButton) skipButton.disabled = state.submitting;
        if (taskError) {
          taskError.textContent = state.error ?? '';
          taskError.hidden = !state.error;
        }
        tick();
        return;
    }
  }

  function renderTask(task: Task): void {
    shownAssignment = task.assignmentId;
    title.textContent = task.jobTitle || 'Labeling';
    pay.textContent = Number.isFinite(task.rewardMinor) ? `${formatMoney(task.rewardMinor)} per task` : '';
    pay.hidden = !pay.textContent;

    labelButtons = task.labels.map((label, i) => {
      const hint = hotkeyHint(i);
      return h(
        'button',
        {
          type: 'button',
          class: 'label-button',
          'data-label': label,
          'aria-pressed': 'false',
          'aria-keyshortcuts': hint ?? undefined,
          onclick: () => session.select(i),
        },
        hint ? h('kbd', null, hint) : null,
        h('span', { class: 'label-text' }, label),
      );
    });
    submitButton = h('button', { type: 'button', id: 'submit', class: 'btn btn-primary', 'data-submit': '', 'aria-keyshortcuts': 'Enter', onclick: () => void session.submit() });
    skipButton = h('button', { type: 'button', id: 'skip', class: 'btn', 'aria-keyshortcuts': 'S', onclick: () => void session.skip() }, 'Skip ', h('kbd', null, 'S'));
    taskError = h('p', { id: 'task-error', class: 'alert alert-error', role: 'alert', hidden: true });

    if (task.instructions !== shownInstructions || !instructionsPanel) {
      shownInstructions = task.instructions;
      instructionsPanel = h(
        'details',
        { id: 'instructions', class: 'card instructions', open: instructionsOpen },
        h('summary', null, 'Instructions ', h('kbd', null, 'I')),
        h('div', { class: 'markdown' }, task.instructions ? renderMarkdown(task.instructions) : h('p', { class: 'muted' }, 'No instructions for this job.')),
      );
      instructionsPanel.addEventListener('toggle', () => (instructionsOpen = instructionsPanel?.open ?? true));
    }

    const hadFocusInside = body.contains(document.activeElement);
    replaceChildren(
      body,
      h(
        'div',
        { class: 'label-main' },
        h('section', { id: 'item', class: 'card item', tabindex: -1, 'aria-label': 'Item to label', 'data-assignment-id': task.assignmentId }, renderItem(task.data)),
        h('div', { class: 'label-buttons', role: 'group', 'aria-label': 'Labels' }, labelButtons),
        taskError,
        h('div', { class: 'label-actions' }, submitButton, skipButton),
        h('p', { class: 'hotkey-help muted' }, 'Keys: 1–9 pick a label · Enter submits · S skips · I shows or hides the instructions'),
      ),
      h('aside', { class: 'label-side', 'aria-label': 'Instructions' }, instructionsPanel),
    );
    if (hadFocusInside || document.activeElement === document.body) {
      document.getElementById('item')?.focus({ preventScroll: true });
    }
  }

  function renderEmpty(): void {
    replaceChildren(
      body,
      h(
        'div',
        { id: 'no-tasks', class: 'empty-state card' },
        h('h2', null, 'No tasks right now'),
        h('p', null, 'Every item that needs an answer is taken or done. New work appears as requesters publish it; this page checks again by itself.'),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', id: 'check-again', class: 'btn btn-primary', onclick: () => ((rechecks = 0), void session.start()) }, 'Check again'),
          h('a', { href: '#/jobs', class: 'btn' }, 'Back to jobs'),
        ),
      ),
    );
    if (rechecks < maxRechecks) {
      recheckTimer = setTimeout(() => {
        recheckTimer = null;
        rechecks++;
        void session.start();
      }, recheckMs);
    }
  }

  function tick(): void {
    const state = session.snapshot().state;
    if (state.kind !== 'task') return;
    const left = remainingMs(state.task.leaseExpiresAt, options.source.serverNow());
    if (left === null) {
      timer.hidden = true;
      return;
    }
    timer.hidden = false;
    timer.textContent = formatRemaining(left);
    timer.dataset.urgency = urgency(left);
    if (left <= 0) void session.expire(state.task.assignmentId);
  }

  function onKeyDown(event: KeyboardEvent): void {
    const state = session.snapshot().state;
    if (state.kind !== 'task') return;
    const action = hotkeyFor(event, state.task.labels.length);
    if (!action) return;
    event.preventDefault();
    switch (action.kind) {
      case 'select':
        session.select(action.index);
        break;
      case 'submit':
        void session.submit();
        break;
      case 'skip':
        void session.skip();
        break;
      case 'toggleInstructions':
        if (instructionsPanel) instructionsPanel.open = !instructionsPanel.open;
        break;
    }
  }

  const onPageHide = () => session.stop({ keepalive: true });
  const interval = setInterval(tick, options.tickMs ?? 500);
  document.addEventListener('keydown', onKeyDown);
  window.addEventListener('pagehide', onPageHide);
  void session.start();

  return {
    title: 'Labeling',
    element,
    dispose: () => {
      clearInterval(interval);
      if (recheckTimer !== null) clearTimeout(recheckTimer);
      document.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('pagehide', onPageHide);
      session.stop();
    },
  };
}
