/**
 * Gold sets shared across jobs: create a set, add golds to it from CSV, add it to a job, and per gold see how it has
 * done across the jobs that have it, and retire or restore it everywhere at once.
 */
import type { GoldSet, GoldSetDetail, Job, RequesterApi } from '../api/requester';
import { h, replaceChildren, setLoadState } from '@common/lib/dom';
import { formatCount, formatPercent } from '@common/lib/format';
import { describeError } from '@common/lib/http';
import { statusArea } from './status';

export function goldSetsSection(
  api: RequesterApi,
  jobs: () => readonly Job[],
): { element: HTMLElement; reload: () => Promise<void> } {
  const list = h('div', { id: 'gold-set-list' }, h('p', { class: 'muted' }, 'Loading gold sets…'));
  const detail = h('div', { id: 'gold-set-detail' });
  const { element: status, act } = statusArea('gold-set-status');
  const name = h('input', { id: 'gold-set-name', required: true, maxlength: 200, placeholder: 'Name', 'aria-label': 'Set name' }) as HTMLInputElement;
  const labels = h('input', { id: 'gold-set-labels', required: true, placeholder: 'positive, negative', 'aria-label': 'Labels, separated by commas' }) as HTMLInputElement;
  const create = h('button', { type: 'submit', class: 'btn', id: 'gold-set-create' }, 'Create set') as HTMLButtonElement;
  const form = h('form', { class: 'inline-form', id: 'gold-set-form' }, name, labels, create);
  const element = h(
    'section',
    { id: 'gold-sets', class: 'card', 'aria-labelledby': 'gold-sets-title' },
    h('h2', { id: 'gold-sets-title' }, 'Gold sets'),
    h('p', { class: 'muted small' }, 'Golds kept once and used by many jobs. Adding a set to a job copies its golds in service; retiring a set gold, or correcting its key through the API, does it in every job that has it.'),
    form,
    status,
    list,
    detail,
  );


  async function reload(): Promise<void> {
    setLoadState(element, 'loading');
    try {
      const sets = await api.goldSets();
      replaceChildren(list, sets.length === 0 ? h('p', { class: 'empty-state', id: 'no-gold-sets' }, 'No gold sets yet.') : setTable(sets));
      setLoadState(element, 'ready');
    } catch (e) {
      replaceChildren(list, h('p', { class: 'alert alert-error', role: 'alert' }, describeError(e)));
      setLoadState(element, 'error');
    }
  }

  function setTable(sets: GoldSet[]): HTMLElement {
    const rows = sets.map((s) => {
      const open = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': 'open-set' }, 'Open') as HTMLButtonElement;
      open.addEventListener('click', () => void act(open, async () => (await show(s.id), null)));
      return h(
        'tr',
        { 'data-testid': 'gold-set', 'data-id': String(s.id) },
        h('th', { scope: 'row' }, s.name),
        h('td', null, s.labels.join(', ')),
        h('td', { class: 'num' }, `${formatCount(s.inService)} of ${formatCount(s.golds)}`),
        h('td', { class: 'num' }, formatCount(s.jobs)),
        h('td', null, open),
      );
    });
    return h(
      'div',
      { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Gold sets' },
      h(
        'table',
        { class: 'data-table' },
        h('thead', null, h('tr', null, ['Set', 'Labels', 'In service', 'Jobs', ''].map((c, i) => h('th', { scope: 'col', class: i === 2 || i === 3 ? 'num' : null }, c)))),
        h('tbody', null, rows),
      ),
    );
  }

  /** Opens a set: its upload form, the jobs it can be added to, and its golds. */
  async function show(setId: GoldSet['id']): Promise<void> {
    const d = await api.goldSet(setId);
    replaceChildren(detail, renderDetail(d));
  }

  function renderDetail(d: GoldSetDetail): HTMLElement {
    const csv = h('textarea', { id: 'gold-set-csv', rows: 4, 'aria-label': 'Golds as CSV', placeholder: 'id,text,label,hint\ng1,"Great value",positive,Praise of the price' }) as HTMLTextAreaElement;
    const upload = h('button', { type: 'submit', class: 'btn', id: 'gold-set-upload' }, 'Add golds') as HTMLButtonElement;
    const uploadForm = h('form', { class: 'stack-form', id: 'gold-set-upload-form' }, csv, upload);
    uploadForm.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!csv.value.trim()) return;
      void act(upload, async () => {
        const sent = csv.value;
        const report = await api.uploadSetGolds(d.set.id, sent);
        await show(d.set.id);
        await reload();
        // The set is shown again; the CSV stays in the new form when rows were refused, to be fixed and sent again.
        const again = detail.querySelector<HTMLTextAreaElement>('#gold-set-csv');
        if (again && report.rejected > 0) again.value = sent;
        return h(
          'div',
          { role: 'status', 'data-testid': 'gold-set-upload-report' },
          h('p', null, `${formatCount(report.accepted)} golds added, ${formatCount(report.rejected)} rows refused.`),
          report.errors.length === 0 ? null : h('ul', null, report.errors.slice(0, 20).map((e) => h('li', null, `Line ${e.line}: ${e.message}`))),
        );
      });
    });
    const open = jobs().filter((j) => j.status === 'DRAFT' || j.status === 'PUBLISHED' || j.status === 'PAUSED');
    const jobSelect = h(
      'select',
      { id: 'gold-set-job', 'aria-label': 'Job to add the set to' },
      open.map((j) => h('option', { value: String(j.id) }, j.title)),
    ) as HTMLSelectElement;
    const add = h('button', { type: 'button', class: 'btn', id: 'gold-set-add', disabled: open.length === 0 }, 'Add to job') as HTMLButtonElement;
    add.addEventListener('click', () =>
      void act(add, async () => {
        const added = await api.addSetToJob(d.set.id, jobSelect.value);
        await show(d.set.id);
        await reload();
        return h('p', { role: 'status' }, `${formatCount(added.added)} golds added to the job (${formatCount(added.alreadyInJob)} it already had); it has ${formatCount(added.goldsInService)} golds in service.`);
      }),
    );
    const rows = d.golds.map((g) => {
      const retire = !g.retiredAt;
      const button = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': retire ? 'retire-set-gold' : 'restore-set-gold' }, retire ? 'Retire everywhere' : 'Restore') as HTMLButtonElement;
      button.addEventListener('click', () =>
        void act(button, async () => {
          const state = await api.setSetGoldInService(d.set.id, g.item, retire);
          await show(d.set.id);
          await reload();
          return h('p', { role: 'status' }, `${g.item}: ${state.retired ? 'retired' : 'back in service'} in the set and ${formatCount(state.jobsChanged)} jobs.`);
        }),
      );
      // For a gold with no right key: retired everywhere, and its answers stop counting for or against anyone.
      const voidButton = h('button', { type: 'button', class: 'btn btn-quiet', 'data-action': 'void-set-gold' }, 'Void its answers everywhere') as HTMLButtonElement;
      voidButton.addEventListener('click', () =>
        void act(voidButton, async () => {
          const state = await api.setSetGoldInService(d.set.id, g.item, true, true);
          await show(d.set.id);
          await reload();
          return h('p', { role: 'status' }, `${g.item}: voided in the set and ${formatCount(state.jobsChanged)} jobs; ${formatCount(state.answersVoided ?? 0)} answers no longer count, ${formatCount(state.rejectionsReversed ?? 0)} rejections reversed.`);
        }),
      );
      return h(
        'tr',
        { 'data-testid': 'set-gold', 'data-retired': g.retiredAt ? 'true' : 'false' },
        h('th', { scope: 'row' }, g.item),
        h('td', null, g.label),
        h('td', null, g.hint ?? '—'),
        h('td', { class: 'num' }, formatCount(g.jobs)),
        h('td', { class: 'num' }, g.shareCorrect === null || g.shareCorrect === undefined ? '—' : `${formatPercent(g.shareCorrect)} of ${formatCount(g.answered)}`),
        h('td', null, g.voidedAt ? 'Voided' : g.retiredAt ? 'Retired' : 'In service'),
        h('td', null, g.voidedAt ? null : h('div', { class: 'actions' }, button, voidButton)),
      );
    });
    return h(
      'div',
      { class: 'gold-set', 'data-set': String(d.set.id) },
      h('h3', null, d.set.name),
      h('div', { class: 'inline-form' }, jobSelect, add),
      uploadForm,
      d.golds.length === 0
        ? h('p', { class: 'empty-state' }, 'No golds in this set yet.')
        : h(
            'div',
            { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': `Golds of ${d.set.name}` },
            h(
              'table',
              { class: 'data-table' },
              h('thead', null, h('tr', null, ['Gold', 'Key', 'Hint', 'Jobs', 'Matching the key', 'State', ''].map((c, i) => h('th', { scope: 'col', class: i === 3 || i === 4 ? 'num' : null }, c)))),
              h('tbody', null, rows),
            ),
          ),
    );
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const names = labels.value.split(',').map((l) => l.trim()).filter((l) => l.length > 0);
    if (!name.value.trim() || names.length === 0) return;
    void act(create, async () => {
      const set = await api.createGoldSet(name.value.trim(), names);
      name.value = '';
      labels.value = '';
      await reload();
      await show(set.id);
      return h('p', { role: 'status' }, `Set “${set.name}” created. Add its golds below.`);
    });
  });

  return { element, reload };
}
