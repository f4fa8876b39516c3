/**
 * A draft's or running job's settings that may change after publication: worker requirements, the gold rate, the
 * confidence target and its calibration, what a right label is worth, priority, the hourly floor, the deadline, title and instructions. Only
 * what was changed is sent.
 */
import type { Job, JobSettings, RequesterApi } from '../api/requester';
import { h, replaceChildren } from '@common/lib/dom';
import { currencyDigits, formatDateTime, formatMoney } from '@common/lib/format';
import { describeError } from '@common/lib/http';

/** An instant as the value of a datetime-local input: the local date and time to the minute; '' for none. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A datetime-local value (local time) as an ISO instant, or null when it is not one. */
export function fromLocalInput(text: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text.trim())) return null;
  const d = new Date(text.trim()); // a date-time without an offset is local time
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The problem with a typed deadline (empty is none), or null; {@code now} in epoch milliseconds. */
export function deadlineProblem(text: string, now: number): string | null {
  if (text.trim() === '') return null;
  const iso = fromLocalInput(text);
  if (iso === null) return 'The deadline must be a date and time.';
  return Date.parse(iso) <= now ? 'The deadline must be in the future.' : null;
}

/** The fields whose typed value differs from the job's; the problems with what was typed, if any. */
export function changedSettings(
  job: Job,
  typed: Record<keyof Omit<JobSettings, 'note'>, string>,
  currency: string,
  now: number = Date.now(),
): { settings: JobSettings; problems: string[] } {
  const settings: JobSettings = {};
  const problems: string[] = [];
  const number = (name: keyof JobSettings, text: string, min: number, max: number, current: number | null | undefined, what: string, integer = false) => {
    const t = text.trim();
    if (t === '' && current == null) return;
    const v = t === '' ? 0 : Number(t);
    if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      problems.push(`${what} must be ${integer ? 'a whole number ' : ''}from ${min} to ${max}.`);
      return;
    }
    if (v !== (current ?? 0)) (settings as Record<string, unknown>)[name] = v;
  };
  const title = typed.title.trim();
  if (title === '') problems.push('Give the job a title.');
  else if (title !== job.title) settings.title = title;
  if ((job.instructions ?? '') !== typed.instructions) settings.instructions = typed.instructions;
  number('goldRate', typed.goldRate, 0, 0.5, job.goldRate, 'The gold rate');
  number('minAccuracy', typed.minAccuracy, 0, 0.99, job.minAccuracy, 'The minimum accuracy');
  number('probationGolds', typed.probationGolds, 1, 1000, job.probationGolds ?? 5, 'The golds before the minimum applies', true);
  number('minMedianSeconds', typed.minMedianSeconds, 0, 3600, job.minMedianSeconds, 'The minimum median time');
  number('speedWindow', typed.speedWindow, 1, 1000, job.speedWindow ?? 10, 'The answers the median is taken over', true);
  number('confidenceTarget', typed.confidenceTarget, 0.5, 1, job.confidenceTarget, 'The confidence target');
  number('priority', typed.priority, -100, 100, job.priority, 'The priority', true);
  number('maxTasksPerWorker', typed.maxTasksPerWorker, 0, 1e9, job.maxTasksPerWorker, 'The cap per worker', true);
  number('maxTasksPerWorkerPerDay', typed.maxTasksPerWorkerPerDay, 0, 1e9, job.maxTasksPerWorkerPerDay, 'The daily cap per worker', true);
  const skills = [...new Set(typed.requiredSkills.split(',').map((s) => s.trim()).filter((s) => s.length > 0))];
  if (skills.join(',') !== (job.requiredSkills ?? []).join(',')) settings.requiredSkills = skills;
  const money = (name: 'hourlyFloorMinor' | 'labelValueMinor', what: string) => {
    const text = typed[name].trim();
    const minor = text === '' ? 0 : Math.round(Number(text) * 10 ** currencyDigits(currency));
    if (!Number.isFinite(minor) || minor < 0) problems.push(`${what} must be an amount in ${currency}, or empty for none.`);
    else if (minor !== (job[name] ?? 0)) settings[name] = minor;
  };
  money('hourlyFloorMinor', 'The hourly floor');
  money('labelValueMinor', 'The value of a right label');
  const calibrate = typed.calibrateConfidence === 'true';
  if (calibrate !== (job.calibrateConfidence ?? true)) settings.calibrateConfidence = calibrate;
  // A deadline can be moved, not taken away: empty, or as shown, is no change.
  const deadline = typed.deadline.trim();
  if (deadline !== '' && deadline !== toLocalInput(job.deadline)) {
    const problem = deadlineProblem(deadline, now);
    if (problem) problems.push(problem);
    else settings.deadline = fromLocalInput(deadline)!;
  }
  return { settings, problems };
}

/** A money amount as an input's value, in major units; '' for none. */
function amount(minor: number | null | undefined, currency: string): string {
  return minor ? (minor / 10 ** currencyDigits(currency)).toFixed(currencyDigits(currency)) : '';
}

export function settingsForm(api: RequesterApi, job: Job, currency: string, onChanged: () => void): HTMLElement {
  // What the form showed, or last saved: only the fields typed over since are sent, so that a change made elsewhere
  // meanwhile (a rule switched on from a what-if replay) is not undone by a field left as it was.
  let base = job;
  const input = (id: string, value: string | number | null | undefined, attrs: Record<string, string | number> = {}) =>
    h('input', { id, value: value == null ? '' : String(value), ...attrs }) as HTMLInputElement;
  const fields = {
    title: input('set-title', job.title, { maxlength: 200 }),
    instructions: h('textarea', { id: 'set-instructions', rows: 3, maxlength: 20000 }, job.instructions ?? '') as HTMLTextAreaElement,
    goldRate: input('set-gold-rate', job.goldRate, { type: 'number', min: 0, max: 0.5, step: 0.01 }),
    minAccuracy: input('set-min-accuracy', job.minAccuracy || '', { type: 'number', min: 0, max: 0.99, step: 0.01, placeholder: 'none' }),
    probationGolds: input('set-probation', job.probationGolds ?? 5, { type: 'number', min: 1, max: 1000 }),
    minMedianSeconds: input('set-min-median', job.minMedianSeconds || '', { type: 'number', min: 0, max: 3600, step: 0.5, placeholder: 'none' }),
    speedWindow: input('set-speed-window', job.speedWindow ?? 10, { type: 'number', min: 1, max: 1000 }),
    confidenceTarget: input('set-target', job.confidenceTarget, { type: 'number', min: 0.5, max: 1, step: 0.01 }),
    priority: input('set-priority', job.priority ?? 0, { type: 'number', min: -100, max: 100 }),
    maxTasksPerWorker: input('set-cap', job.maxTasksPerWorker, { type: 'number', min: 0, placeholder: 'none' }),
    maxTasksPerWorkerPerDay: input('set-daily-cap', job.maxTasksPerWorkerPerDay, { type: 'number', min: 0, placeholder: 'none' }),
    requiredSkills: input('set-skills', (job.requiredSkills ?? []).join(', '), { placeholder: 'none' }),
    hourlyFloorMinor: input('set-floor', amount(job.hourlyFloorMinor, currency), { inputmode: 'decimal', placeholder: 'none' }),
    labelValueMinor: input('set-label-value', amount(job.labelValueMinor, currency), { inputmode: 'decimal', placeholder: 'none' }),
    deadline: input('set-deadline', toLocalInput(job.deadline), { type: 'datetime-local' }),
    calibrateConfidence: input('set-calibrate', null, { type: 'checkbox' }),
  };
  fields.calibrateConfidence.checked = job.calibrateConfidence ?? true;
  const note = h('input', { id: 'set-note', maxlength: 2000, placeholder: 'Why (kept in the job’s history)' }) as HTMLInputElement;
  const save = h('button', { type: 'submit', class: 'btn', id: 'set-save' }, 'Save settings') as HTMLButtonElement;
  const status = h('div', { id: 'settings-status', 'aria-live': 'polite' });
  const row = (label: string, el: HTMLElement, hint?: string) => h('label', { class: 'field' }, h('span', null, label), el, hint ? h('span', { class: 'muted small' }, hint) : null);
  const form = h(
    'form',
    { id: 'settings-form', class: 'form-grid', novalidate: true },
    row('Title', fields.title),
    row('Instructions (Markdown)', fields.instructions),
    row('Gold rate', fields.goldRate, job.status === 'DRAFT' ? undefined : 'A change re-budgets the gold tasks in escrow'),
    row('Minimum worker accuracy', fields.minAccuracy, 'On gold; empty for none'),
    row('… after golds', fields.probationGolds, 'A newcomer’s trial before the minimum applies'),
    row('Minimum median seconds per task', fields.minMedianSeconds, 'Stops a worker answering faster; empty for none'),
    row('… over his last answers', fields.speedWindow),
    row('Stop buying answers at confidence', fields.confidenceTarget, 'For answers from now on'),
    row(`A right label is worth (${currency})`, fields.labelValueMinor, 'Items then stop buying answers expected to add less accuracy than they cost; empty for none'),
    row(
      'Calibrate confidence on golds',
      fields.calibrateConfidence,
      job.confidenceBeta != null
        ? `Answers count ×${job.confidenceBeta.toFixed(2)} as evidence, as the golds show they deserve, so that items closed at the target are right that often`
        : 'Once 20 golds are answered, answers count as much as the golds show they deserve, so that items closed at the target are right that often',
    ),
    row('Priority', fields.priority, 'Among your jobs, −100 to 100'),
    row('Tasks per worker', fields.maxTasksPerWorker, 'Empty for no cap'),
    row('Tasks per worker per day', fields.maxTasksPerWorkerPerDay, 'Empty for no cap'),
    row('Required skills', fields.requiredSkills, 'Separated by commas'),
    row(`Hourly pay floor (${currency})`, fields.hourlyFloorMinor, 'Empty for none'),
    row('Deadline', fields.deadline, 'Your local time. Still running then, the job ends: leased tasks may be answered, unused escrow returns'),
    row('Note', note),
    h('div', { class: 'actions' }, save),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = Object.fromEntries(
      Object.entries(fields).map(([k, el]) => [k, el instanceof HTMLInputElement && el.type === 'checkbox' ? String(el.checked) : el.value]),
    ) as Record<keyof Omit<JobSettings, 'note'>, string>;
    const { settings, problems } = changedSettings(base, typed, currency);
    if (problems.length > 0) {
      replaceChildren(status, h('div', { class: 'alert alert-error', role: 'alert' }, problems.map((p) => h('p', null, p))));
      return;
    }
    if (Object.keys(settings).length === 0) {
      replaceChildren(status, h('p', { role: 'status' }, 'Nothing changed.'));
      return;
    }
    save.disabled = true;
    void api
      .updateJob(job.id, { ...settings, ...(note.value.trim() ? { note: note.value.trim() } : {}) })
      .then((j) => {
        base = {
          ...base,
          ...settings,
          hourlyFloorMinor: settings.hourlyFloorMinor === 0 ? null : (settings.hourlyFloorMinor ?? base.hourlyFloorMinor),
          labelValueMinor: settings.labelValueMinor === 0 ? null : (settings.labelValueMinor ?? base.labelValueMinor),
        };
        const names = Object.keys(settings).join(', ');
        replaceChildren(
          status,
          h(
            'p',
            { role: 'status' },
            `Saved: ${names}.`,
            settings.goldRate !== undefined && j.status !== 'DRAFT' ? ` Escrow re-budgeted for a gold rate of ${Math.round(j.goldRate * 100)}%.` : '',
            settings.hourlyFloorMinor ? ` Floor ${formatMoney(settings.hourlyFloorMinor, currency)} an hour.` : '',
            settings.deadline ? ` Ends by ${formatDateTime(settings.deadline)}.` : '',
          ),
        );
        onChanged();
      })
      .catch((e: unknown) => replaceChildren(status, h('p', { class: 'alert alert-error', role: 'alert' }, describeError(e))))
      .finally(() => (save.disabled = false));
  });
  return h('details', { class: 'job-settings', id: 'job-settings' }, h('summary', null, 'Settings'), form, status);
}
