import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '@common/lib/http';
import { flush } from '@common/test/fakes';
import { FakeTaskSource, makeTask } from '../test/fakes';
import { labelingView, type LabelingViewOptions } from './labeling';
import type { View } from '@common/views/view';

let mounted: View | null = null;

function mount(source: FakeTaskSource, options: Partial<LabelingViewOptions> = {}): View {
  mounted = labelingView({ source, session: { sleep: async () => undefined }, ...options });
  document.body.replaceChildren(mounted.element);
  return mounted;
}

function press(key: string, init: KeyboardEventInit = {}, target: EventTarget = document.body): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

const $ = <T extends Element = HTMLElement>(selector: string) => document.querySelector<T>(selector);
const $$ = (selector: string) => [...document.querySelectorAll<HTMLElement>(selector)];

afterEach(() => {
  mounted?.dispose?.();
  mounted = null;
  document.body.replaceChildren();
});

describe('labeling view', () => {
  it('shows the item, one button per label with hotkey hints, the pay and the lease timer', async () => {
    const source = new FakeTaskSource();
    source.queueTasks(makeTask({ data: { text: '<b>Loved it</b>' }, labels: ['pos', 'neg'], rewardMinor: 7 }, source.now));
    mount(source);
    await flush();

    expect($('#item')!.textContent).toBe('<b>Loved it</b>');
    expect($('#item b')).toBeNull();
    expect($$('[data-label]').map((b) => [b.dataset.label, b.querySelector('kbd')!.textContent])).toEqual([
      ['pos', '1'],
      ['neg', '2'],
    ]);
    expect($('#task-pay')!.textContent).toBe('$0.07 per task');
    expect($('#lease-timer')!.textContent).toBe('5:00');
    expect($('#task-title')!.textContent).toBe('Sentiment of reviews');
    expect($('#instructions strong')!.textContent).toBe('sentiment');
  });

  it('labels with the keyboard: a digit selects, Enter submits, the next task appears', async () => {
    const source = new FakeTaskSource();
    const [t1, t2] = [makeTask(), makeTask()];
    source.queueTasks(t1, t2);
    mount(source);
    await flush();

    const select = press('2');
    expect(select.defaultPrevented).toBe(true);
    expect($$('[data-label]').map((b) => b.getAttribute('aria-pressed'))).toEqual(['false', 'true', 'false']);
    press('Enter');
    await flush();

    expect(source.calls.answers).toEqual([
      { assignmentId: t1.assignmentId, label: 'negative', key: expect.any(String), options: { next: true } },
    ]);
    expect($('#item')!.dataset.assignmentId).toBe(t2.assignmentId);
    expect($('#submitted-count')!.textContent).toBe('1 submitted');
  });

  it('labels with the mouse too', async () => {
    const source = new FakeTaskSource();
    const t1 = makeTask();
    source.queueTasks(t1, makeTask());
    mount(source);
    await flush();
    $<HTMLButtonElement>('[data-label="neutral"]')!.click();
    $<HTMLButtonElement>('#submit')!.click();
    await flush();
    expect(source.calls.answers[0]).toMatchObject({ assignmentId: t1.assignmentId, label: 'neutral' });
  });

  it('S skips: the task is released and the next one shown', async () => {
    const source = new FakeTaskSource();
    const [t1, t2] = [makeTask(), makeTask()];
    source.queueTasks(t1, t2);
    mount(source);
    await flush();
    press('s');
    await flush();
    expect(source.calls.released.map((r) => r.id)).toEqual([t1.assignmentId]);
    expect($('#item')!.dataset.assignmentId).toBe(t2.assignmentId);
  });

  it('ignores hotkeys typed into a text field', async () => {
    const source = new FakeTaskSource();
    source.queueTasks(makeTask(), makeTask());
    mount(source);
    await flush();
    const input = document.createElement('input');
    document.body.appendChild(input);
    press('1', {}, input);
    press('s', {}, input);
    await flush();
    expect($$('[aria-pressed="true"]')).toHaveLength(0);
    expect(source.calls.released).toHaveLength(0);
  });

  it('I toggles the instructions panel', async () => {
    const source = new FakeTaskSource();
    source.queueTasks(makeTask());
    mount(source);
    await flush();
    const details = $<HTMLDetailsElement>('#instructions')!;
    expect(details.open).toBe(true);
    press('i');
    expect(details.open).toBe(false);
  });

  it('shows "No tasks right now" on 204 and checks again by itself', async () => {
    const source = new FakeTaskSource();
    source.queueTasks(null);
    mount(source, { recheckMs: 5 });
    await flush();
    expect($('#no-tasks')!.textContent).toContain('No tasks right now');
    expect($$('[data-label]')).toHaveLength(0);

    source.queueTasks(makeTask());
    await new Promise((r) => setTimeout(r, 20));
    await flush();
    expect($('#item')).not.toBeNull();
  });

  it('shows why an answer was not saved, keeping the task', async () => {
    const source = new FakeTaskSource();
    const t1 = makeTask();
    source.queueTasks(t1, makeTask());
    source.answerQueue.push(new ApiError({ status: 422, title: 'Invalid', detail: 'Label is not one of the job labels' }));
    mount(source);
    await flush();
    press('1');
    press('Enter');
    await flush();
    expect($('#task-error')!.hidden).toBe(false);
    expect($('#task-error')!.textContent).toContain('Label is not one of the job labels');
    expect($('#item')!.dataset.assignmentId).toBe(t1.assignmentId);
  });

  it('moves on with a notice when the lease timer reaches zero', async () => {
    const source = new FakeTaskSource();
    const t1 = makeTask({ leaseExpiresAt: new Date(source.now + 1_000).toISOString() });
    const t2 = makeTask({}, source.now);
    source.queueTasks(t1, t2);
    mount(source, { tickMs: 5, session: { minLeaseMs: 0, sleep: async () => undefined } });
    await flush();
    expect($('#item')!.dataset.assignmentId).toBe(t1.assignmentId);
    source.now += 1_500;
    await new Promise((r) => setTimeout(r, 20));
    await flush();
    expect($('#item')!.dataset.assignmentId).toBe(t2.assignmentId);
    expect($('#notice')!.textContent).toMatch(/Time ran out/);
  });

  it('releases held tasks and stops listening to keys when left', async () => {
    const source = new FakeTaskSource();
    const [t1, t2] = [makeTask(), makeTask()];
    source.queueTasks(t1, t2);
    const view = mount(source);
    await flush();
    view.dispose!();
    mounted = null;
    await flush();
    expect(source.calls.released.map((r) => r.id).sort()).toEqual([t1.assignmentId, t2.assignmentId].sort());
    press('1');
    press('Enter');
    await flush();
    expect(source.calls.answers).toHaveLength(0);
  });
});
