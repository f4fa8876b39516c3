/**
 * Setting jobs up from the portal, as the REST API allows: a new job (a draft), its items and golds uploaded from
 * CSV or JSONL files with progress and the refused rows, the price, publishing; a running job's top-up; funds for the
 * balance (Stripe Checkout); and the requester's API keys.
 */
import type { ApiKeyView, Id, Job, JobSpec, Quote, RequesterApi, UploadReport } from '../api/requester';
import { h, replaceChildren, setLoadState, type Attrs } from '@common/lib/dom';
import { currencyDigits, formatCount, formatDateTime, formatMoney } from '@common/lib/format';
import { describeError } from '@common/lib/http';
import { deadlineProblem, fromLocalInput, settingsForm } from './jobSettings';
import { statusArea } from './status';

/** An amount typed in the currency's major units ("0.05") in minor units (5), or null when it is not one. */
export function toMinor(text: string, currency: string): number | null {
  const t = text.trim();
  const digits = currencyDigits(currency);
  if (!/^\d+([.,]\d+)?$/.test(t)) return null;
  const [whole, fraction = ''] = t.split(/[.,]/);
  if (fraction.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** A random idempotency reference (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newReference(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Distinct, trimmed, non-empty labels from "a, b, c". */
export function parseLabels(text: string): string[] {
  return [...new Set(text.split(',').map((l) => l.trim()).filter((l) => l.length > 0))];
}

const ACTIONS: Record<string, string> = { PAUSE: 'paused', RESUME: 'resumed', CANCEL: 'cancelled', SETTINGS: 'settings changed', EXPIRE: 'ended at its deadline' };

function alert(e: unknown): HTMLElement {
  return h('p', { class: 'alert alert-error', role: 'alert' }, describeError(e));
}

function field(label: string, input: HTMLElement, hint?: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', null, label), input, hint ? h('span', { class: 'muted small' }, hint) : null);
}

/** The new-job form; {@code onCreated} gets the draft. */
export function newJobSection(api: RequesterApi, currency: () => string, onCreated: (job: Job) => void): HTMLElement {
  const input = (attrs: Attrs) => h('input', attrs) as HTMLInputElement;
  const title = input({ id: 'job-title', required: true, maxlength: 200 });
  const instructions = h('textarea', { id: 'job-instructions', rows: 4, maxlength: 20000 }) as HTMLTextAreaElement;
  const labels = input({ id: 'job-labels', required: true, placeholder: 'positive, negative' });
  const reward = input({ id: 'job-reward', required: true, inputmode: 'decimal', value: '0.05' });
  const overlapMin = input({ id: 'job-overlap-min', type: 'number', min: 1, max: 100, value: 3 });
  const overlapMax = input({ id: 'job-overlap-max', type: 'number', min: 1, max: 100, value: 5 });
  const target = input({ id: 'job-target', type: 'number', min: 0.5, max: 1, step: 0.01, value: 0.95 });
  const goldRate = input({ id: 'job-gold-rate', type: 'number', min: 0, max: 0.5, step: 0.01, value: 0.1 });
  const review = input({ id: 'job-review-hours', type: 'number', min: 0, max: 2160, value: 72 });
  const labelValue = input({ id: 'job-label-value', inputmode: 'decimal', placeholder: 'none' });
  const minAccuracy = input({ id: 'job-min-accuracy', type: 'number', min: 0, max: 0.99, step: 0.01, placeholder: 'none' });
  const deadline = input({ id: 'job-deadline', type: 'datetime-local' });
  const method = h(
    'select',
    { id: 'job-method' },
    [['auto', 'Chosen on gold (auto)'], ['ds', 'Dawid-Skene'], ['one-coin', 'One-coin'], ['mv', 'Majority vote']].map(([v, t]) => h('option', { value: v }, t)),
  ) as HTMLSelectElement;
  const create = h('button', { type: 'submit', class: 'btn', id: 'job-create' }, 'Create draft') as HTMLButtonElement;
  const status = h('div', { id: 'new-job-status', 'aria-live': 'polite' });
  const form = h(
    'form',
    { id: 'new-job-form', class: 'form-grid', novalidate: true },
    field('Title', title),
    field('Instructions (Markdown)', instructions),
    field('Labels', labels, 'Separated by commas'),
    field('Reward per task', reward, 'In your currency, e.g. 0.05'),
    field('Answers per item: at least', overlapMin),
    field('at most', overlapMax),
    field('Stop buying answers at confidence', target),
    field('A right label is worth', labelValue, 'Optional, in your currency: items then stop buying answers expected to add less accuracy than they cost'),
    field('Gold rate', goldRate, 'Share of tasks that are golds, 0 to 0.5'),
    field('Review window (hours)', review, 'Answers not rejected by then are accepted'),
    field('Minimum worker accuracy', minAccuracy, 'Optional'),
    field('Aggregation', method),
    field('Deadline', deadline, 'Optional, your local time: still running then, the job ends'),
    h('div', { class: 'actions' }, create),
  );
  const section = h(
    'section',
    { id: 'new-job', class: 'card', 'aria-labelledby': 'new-job-title' },
    h('details', null, h('summary', null, h('h2', { id: 'new-job-title' }, 'New job')), form, status),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const rewardMinor = toMinor(reward.value, currency());
    const labelValueMinor = labelValue.value.trim() ? toMinor(labelValue.value, currency()) : undefined;
    const names = parseLabels(labels.value);
    const problems: string[] = [];
    if (!title.value.trim()) problems.push('Give the job a title.');
    if (names.length < 2) problems.push('Give at least two labels.');
    if (rewardMinor === null || rewardMinor < 1) problems.push(`The reward must be an amount in ${currency()}, more than zero.`);
    if (labelValueMinor === null || (labelValueMinor !== undefined && labelValueMinor < 1))
      problems.push(`The value of a right label must be an amount in ${currency()}, more than zero, or empty.`);
    if (Number(overlapMax.value) < Number(overlapMin.value)) problems.push('The most answers per item cannot be below the least.');
    const deadlineWrong = deadlineProblem(deadline.value, Date.now());
    if (deadlineWrong) problems.push(deadlineWrong);
    if (problems.length > 0) {
      replaceChildren(status, h('div', { class: 'alert alert-error', role: 'alert' }, problems.map((p) => h('p', null, p))));
      return;
    }
    const spec: JobSpec = {
      title: title.value.trim(),
      instructions: instructions.value,
      labels: names,
      rewardMinor: rewardMinor!,
      overlapMin: Number(overlapMin.value),
      overlapMax: Number(overlapMax.value),
      goldRate: Number(goldRate.value),
      reviewWindowHours: Number(review.value),
      aggregationMethod: method.value as JobSpec['aggregationMethod'],
      confidenceTarget: Number(target.value),
      ...(minAccuracy.value.trim() ? { minAccuracy: Number(minAccuracy.value) } : {}),
      ...(labelValueMinor ? { labelValueMinor } : {}),
      ...(deadline.value.trim() ? { deadline: fromLocalInput(deadline.value)! } : {}),
    };
    create.disabled = true;
    void api
      .createJob(spec)
      .then((job) => {
        form.reset();
        replaceChildren(status, h('p', { role: 'status' }, `Draft “${job.title}” created: upload its items and golds, then publish it.`));
        onCreated(job);
      })
      .catch((e: unknown) => replaceChildren(status, alert(e)))
      .finally(() => (create.disabled = false));
  });
  return section;
}

function uploadReport(kind: string, r: UploadReport): HTMLElement {
  return h(
    'div',
    { role: 'status', 'data-testid': `upload-report-${kind}` },
    h('p', null, `${formatCount(r.accepted)} of ${formatCount(r.rows)} rows stored, ${formatCount(r.rejected)} refused.`),
    r.errors.length === 0
      ? null
      : h('ul', { class: 'row-errors' }, r.errors.slice(0, 50).map((e) => h('li', null, `Line ${formatCount(e.line)}: ${e.message}`))),
    r.errors.length > 50 || r.errorsTruncated ? h('p', { class: 'muted small' }, 'More rows were refused than are listed.') : null,
  );
}

/**
 * What the requester can do to the chosen job besides watching it: for a draft, upload items and golds, see the price
 * and publish; for a running or paused job, add golds and top its escrow up; for an ended one, its history. {@code onChanged} is called after a
 * change that the rest of the page should show (a publish, a top-up, an upload).
 */
export function jobSetup(api: RequesterApi, job: Job, currency: string, onChanged: () => void, options: { console?: boolean } = {}): HTMLElement {
  const draft = job.status === 'DRAFT';
  const running = job.status === 'PUBLISHED' || job.status === 'PAUSED';
  const status = h('div', { id: 'setup-status', 'aria-live': 'polite' });

  /** A new draft like this job: its settings and golds in service, not its items. */
  function duplicate(): HTMLElement {
    const button = h('button', { type: 'button', class: 'btn', id: 'job-duplicate' }, 'Duplicate as a new draft') as HTMLButtonElement;
    button.addEventListener('click', () => {
      button.disabled = true;
      void api
        .duplicateJob(job.id)
        .then((copy) => {
          replaceChildren(
            status,
            h('p', { role: 'status' }, `Draft “${copy.title}” created with this job’s settings and ${formatCount(copy.goldCount)} golds: upload its items, then publish it.`),
          );
          onChanged();
        })
        .catch((e: unknown) => replaceChildren(status, alert(e)))
        .finally(() => (button.disabled = false));
    });
    return h('div', { class: 'actions' }, button);
  }

  // An ended job (completed, cancelled, at its deadline) has nothing left to set: its history, and a copy to run again.
  if (!draft && !running)
    return h(
      'div',
      { class: 'job-setup', id: 'job-setup', 'data-job-id': String(job.id) },
      h('h3', null, 'Ended'),
      history(),
      options.console ? null : duplicate(),
      status,
    );
  const quoteBox = h('div', { id: 'quote' });

  function uploader(kind: 'items' | 'golds'): HTMLElement {
    const file = h('input', { type: 'file', id: `upload-${kind}-file`, accept: '.csv,.jsonl,.ndjson,text/csv,application/x-ndjson', 'aria-label': `${kind} file` }) as HTMLInputElement;
    const send = h('button', { type: 'submit', class: 'btn', id: `upload-${kind}` }, kind === 'items' ? 'Upload items' : 'Upload golds') as HTMLButtonElement;
    const bar = h('progress', { id: `upload-${kind}-progress`, max: 1, value: 0, hidden: true }) as HTMLProgressElement;
    const out = h('div', { id: `upload-${kind}-result`, 'aria-live': 'polite' });
    const form = h('form', { class: 'inline-form', id: `upload-${kind}-form` }, file, send, bar);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = file.files?.[0];
      if (!chosen) {
        replaceChildren(out, h('p', { class: 'alert alert-error', role: 'alert' }, 'Choose a CSV or JSONL file first.'));
        return;
      }
      send.disabled = true;
      bar.hidden = false;
      bar.value = 0;
      replaceChildren(out, h('p', { class: 'muted' }, `Uploading ${chosen.name}…`));
      void api
        .uploadToJob(job.id, kind, chosen, (share) => {
          bar.value = share;
          if (share >= 1) replaceChildren(out, h('p', { class: 'muted' }, 'Checking and storing the rows…'));
        })
        .then((report) => {
          replaceChildren(out, uploadReport(kind, report));
          file.value = '';
          if (draft) void showQuote();
          onChanged();
        })
        .catch((e: unknown) => replaceChildren(out, alert(e)))
        .finally(() => {
          send.disabled = false;
          bar.hidden = true;
        });
    });
    return h('div', { class: 'uploader' }, form, out);
  }

  async function showQuote(): Promise<void> {
    try {
      const q: Quote = await api.quote(job.id);
      replaceChildren(
        quoteBox,
        h(
          'p',
          { 'data-testid': 'quote' },
          `Publishing reserves ${formatMoney(q.totalMinor, currency)}: ${formatCount(q.normalTasks)} tasks and ${formatCount(q.goldTasks)} gold tasks at ${formatMoney(q.rewardPerTaskMinor, currency)}, plus ${formatMoney(q.feesMinor, currency)} in fees. What is not spent comes back when the job ends.`,
        ),
      );
    } catch (e) {
      replaceChildren(quoteBox, alert(e));
    }
  }

  /** Pause or resume (a running job) and cancel (any job not ended), with a note kept in the job's history. */
  function controls(): HTMLElement {
    const ownerPaused = job.status === 'PAUSED' && job.pauseReason === 'OWNER';
    const note = h('input', { id: 'job-note', maxlength: 2000, placeholder: 'Why (kept in the job’s history)', 'aria-label': 'Note for the job’s history' }) as HTMLInputElement;
    const buttons: HTMLButtonElement[] = [];
    const run = (action: 'pause' | 'resume' | 'cancel', done: (j: Job) => string) => {
      buttons.forEach((b) => (b.disabled = true));
      void api
        .lifecycle(job.id, action, note.value.trim() || undefined)
        .then((j) => {
          replaceChildren(status, h('p', { role: 'status' }, done(j)));
          onChanged();
        })
        .catch((e: unknown) => {
          buttons.forEach((b) => (b.disabled = false));
          replaceChildren(status, alert(e));
        });
    };
    if (running) {
      const toggle = h('button', { type: 'button', class: 'btn', id: ownerPaused ? 'job-resume' : 'job-pause' }, ownerPaused ? 'Resume' : 'Pause') as HTMLButtonElement;
      toggle.addEventListener('click', () =>
        run(ownerPaused ? 'resume' : 'pause', () =>
          ownerPaused ? 'Resumed: workers can take its tasks again.' : 'Paused: no new tasks are handed out; tasks already taken may still be answered.',
        ),
      );
      buttons.push(toggle);
    }
    // Cancelling takes two clicks: the first says what it does.
    const cancel = h('button', { type: 'button', class: 'btn btn-danger', id: 'job-cancel' }, draft ? 'Cancel draft' : 'Cancel job') as HTMLButtonElement;
    let armed = false;
    cancel.addEventListener('click', () => {
      if (!armed) {
        armed = true;
        cancel.textContent = 'Confirm: cancel';
        replaceChildren(
          status,
          h(
            'p',
            { role: 'status' },
            draft
              ? 'Cancelling a draft cannot be undone. Click again to confirm.'
              : 'Cancelling stops new tasks for good. Tasks already taken may still be answered and are paid; the rest of the escrow comes back to your balance. Click again to confirm.',
          ),
        );
        return;
      }
      run('cancel', () => (draft ? 'Draft cancelled.' : 'Cancelled: the escrow in-flight tasks cannot need is back in your balance; the rest follows once they are reviewed.'));
    });
    buttons.push(cancel);
    const why =
      job.status === 'PAUSED'
        ? h('p', { class: 'muted small', 'data-testid': 'pause-reason' }, ownerPaused ? 'Paused by you or a quality manager; top-ups do not resume it.' : 'Paused: its escrow ran short. Top it up to resume.')
        : null;
    const due = job.deadline ? h('p', { class: 'muted small', 'data-testid': 'deadline' }, `Ends at its deadline, ${formatDateTime(job.deadline)}, unless finished before.`) : null;
    return h('div', { class: 'job-controls', id: 'job-controls' }, why, due, h('div', { class: 'inline-form' }, note, ...buttons), history());
  }

  /** The job's recorded changes, read when opened. */
  function history(): HTMLElement {
    const list = h('div', { id: 'job-history' });
    const details = h('details', null, h('summary', null, 'History'), list) as HTMLDetailsElement;
    details.addEventListener('toggle', () => {
      if (!details.open) return;
      replaceChildren(list, h('p', { class: 'muted' }, 'Loading…'));
      void api
        .jobChanges(job.id)
        .then((changes) =>
          replaceChildren(
            list,
            changes.length === 0
              ? h('p', { class: 'muted' }, 'No changes yet.')
              : h(
                  'ul',
                  null,
                  changes.map((c) =>
                    h(
                      'li',
                      { 'data-testid': 'job-change' },
                      `${formatDateTime(c.changedAt)} · ${c.actorEmail ?? 'Goldfinch'} · ${ACTIONS[c.action] ?? c.action}`,
                      Object.entries(c.changes)
                        .filter(([field]) => field !== 'status' && field !== 'pauseReason')
                        .map(([field, [before, after]]) => ` · ${field}: ${String(before ?? '—')} → ${String(after ?? '—')}`)
                        .join(''),
                      c.note ? ` — “${c.note}”` : '',
                    ),
                  ),
                ),
          ),
        )
        .catch((e: unknown) => replaceChildren(list, alert(e)));
    });
    return details;
  }

  const parts: (HTMLElement | null)[] = [];
  if (options.console) {
    // A quality manager: the job's settings and its running, not its money or its items.
  } else if (draft) {
    const publish = h('button', { type: 'button', class: 'btn btn-primary', id: 'publish' }, 'Publish') as HTMLButtonElement;
    publish.addEventListener('click', () => {
      publish.disabled = true;
      void api
        .publish(job.id)
        .then(() => {
          replaceChildren(status, h('p', { role: 'status' }, 'Published: workers can take its tasks now.'));
          onChanged();
        })
        .catch((e: unknown) => {
          publish.disabled = false;
          replaceChildren(status, alert(e));
        });
    });
    parts.push(
      h('h4', null, 'Items'),
      h('p', { class: 'muted small' }, 'CSV with a header row (an id column, the other columns are the item’s data; optional model_label and model_uncertainty) or JSONL.'),
      uploader('items'),
      h('h4', null, 'Golds'),
      h('p', { class: 'muted small' }, 'Like items, plus a label column with the right answer and an optional hint shown to a worker who misses it.'),
      uploader('golds'),
      h('h4', null, 'Price'),
      quoteBox,
      h('div', { class: 'actions' }, publish),
    );
    void showQuote();
  } else {
    const amount = h('input', { id: 'topup-amount', inputmode: 'decimal', required: true, placeholder: '50.00', 'aria-label': `Amount in ${currency}` }) as HTMLInputElement;
    const add = h('button', { type: 'submit', class: 'btn', id: 'topup' }, 'Top up escrow') as HTMLButtonElement;
    const form = h('form', { class: 'inline-form', id: 'topup-form' }, amount, add);
    // One reference per amount typed, so that a retried click does not move the money twice.
    let reference = newReference();
    amount.addEventListener('input', () => (reference = newReference()));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const minor = toMinor(amount.value, currency);
      if (minor === null || minor < 1) {
        replaceChildren(status, h('p', { class: 'alert alert-error', role: 'alert' }, `Type an amount in ${currency}, more than zero.`));
        return;
      }
      add.disabled = true;
      void api
        .topUp(job.id, minor, reference)
        .then((j) => {
          amount.value = '';
          reference = newReference();
          replaceChildren(status, h('p', { role: 'status' }, `${formatMoney(minor, currency)} moved to the job’s escrow${j.status === 'PUBLISHED' ? '; it runs' : ''}.`));
          onChanged();
        })
        .catch((e: unknown) => replaceChildren(status, alert(e)))
        .finally(() => (add.disabled = false));
    });
    parts.push(
      h('h4', null, 'Escrow'),
      h('p', { class: 'muted small' }, 'A job pauses when its escrow cannot pay for more tasks, and resumes when topped up from your balance.'),
      form,
      h('h4', null, 'More golds'),
      uploader('golds'),
    );
  }
  parts.push(h('h4', null, 'Run'), controls(), settingsForm(api, job, currency, onChanged));
  if (!options.console) parts.push(duplicate());
  return h('div', { class: 'job-setup', id: 'job-setup', 'data-job-id': String(job.id) }, h('h3', null, draft ? 'Set up and publish' : 'Manage'), ...parts, status);
}

/** "Add funds": a Stripe Checkout top-up of the balance; offline installations say why they cannot take one. */
export function fundsForm(api: RequesterApi, currency: () => string, go: (url: string) => void = (url) => location.assign(url)): HTMLElement {
  const amount = h('input', { id: 'funds-amount', inputmode: 'decimal', required: true, placeholder: '100.00', 'aria-label': 'Amount to add' }) as HTMLInputElement;
  const add = h('button', { type: 'submit', class: 'btn', id: 'funds-add' }, 'Add funds') as HTMLButtonElement;
  const status = h('div', { id: 'funds-status', 'aria-live': 'polite' });
  const form = h('form', { class: 'inline-form', id: 'funds-form' }, amount, add);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const minor = toMinor(amount.value, currency());
    if (minor === null || minor < 100) {
      replaceChildren(status, h('p', { class: 'alert alert-error', role: 'alert' }, `Type an amount in ${currency()} of at least ${formatMoney(100, currency())}.`));
      return;
    }
    add.disabled = true;
    void api
      .checkout(minor)
      .then((c) => {
        replaceChildren(status, h('p', { role: 'status' }, 'Opening Stripe Checkout…'));
        go(c.checkoutUrl);
      })
      .catch((e: unknown) => replaceChildren(status, alert(e)))
      .finally(() => (add.disabled = false));
  });
  return h('div', { class: 'funds' }, form, status);
}

/** The requester's API keys: create one (shown once), revoke. */
export function apiKeysSection(api: RequesterApi): { element: HTMLElement; reload: () => Promise<void> } {
  const list = h('div', { id: 'api-key-list' });
  const { element: status, say, act } = statusArea('api-key-status');
  const name = h('input', { id: 'api-key-name', required: true, maxlength: 100, placeholder: 'e.g. labeling pipeline', 'aria-label': 'Key name' }) as HTMLInputElement;
  const create = h('button', { type: 'submit', class: 'btn', id: 'api-key-create' }, 'Create key') as HTMLButtonElement;
  const form = h('form', { class: 'inline-form', id: 'api-key-form' }, name, create);
  const element = h(
    'section',
    { id: 'api-keys', class: 'card', 'aria-labelledby': 'api-keys-title' },
    h('h2', { id: 'api-keys-title' }, 'API keys'),
    h('p', { class: 'muted small' }, 'Send a key in the X-Api-Key header to use the REST API (Swagger UI at /swagger-ui/) as yourself.'),
    form,
    status,
    list,
  );

  async function reload(): Promise<void> {
    setLoadState(element, 'loading');
    try {
      const keys = await api.apiKeys();
      replaceChildren(list, keys.length === 0 ? h('p', { class: 'empty-state', id: 'no-api-keys' }, 'No keys yet.') : table(keys));
      setLoadState(element, 'ready');
    } catch (e) {
      replaceChildren(list, alert(e));
      setLoadState(element, 'error');
    }
  }

  function table(keys: ApiKeyView[]): HTMLElement {
    return h(
      'table',
      { class: 'data-table' },
      h('thead', null, h('tr', null, ['Name', 'Starts with', 'Created', 'State', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        null,
        keys.map((k) => {
          const revoke = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': 'revoke-key', disabled: Boolean(k.revokedAt) }, 'Revoke') as HTMLButtonElement;
          revoke.addEventListener('click', () => {
            revoke.disabled = true;
            void api
              .revokeApiKey(k.id as Id)
              .then(async () => {
                await reload();
                say(h('p', { role: 'status' }, `“${k.name}” revoked: requests with it are refused from now on.`));
              })
              .catch((e: unknown) => {
                revoke.disabled = false;
                say(alert(e));
              });
          });
          return h(
            'tr',
            { 'data-testid': 'api-key' },
            h('th', { scope: 'row' }, k.name),
            h('td', null, h('code', null, `${k.prefix}…`)),
            h('td', null, formatDateTime(k.createdAt)),
            h('td', null, k.revokedAt ? `Revoked ${formatDateTime(k.revokedAt)}` : 'Active'),
            h('td', null, revoke),
          );
        }),
      ),
    );
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!name.value.trim()) return;
    void act(create, async () => {
      const k = await api.createApiKey(name.value.trim());
      name.value = '';
      await reload();
      return h(
        'div',
        { class: 'alert alert-info', role: 'status', 'data-testid': 'api-key-secret' },
        h('p', null, `Key “${k.name}” created. Copy it now — it is shown only this once:`),
        h('code', null, k.key),
      );
    });
  });

  return { element, reload };
}
