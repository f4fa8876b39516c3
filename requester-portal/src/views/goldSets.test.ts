import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '@common/lib/http';
import { flush, json, problem } from '@common/test/fakes';
import { RequesterApi, type GoldSet, type Job, type SetGold } from '../api/requester';
import { goldSetsSection } from './goldSets';

afterEach(() => document.body.replaceChildren());
const $ = (s: string) => document.querySelector<HTMLElement>(s)!;

/** A fake server holding gold sets, with what each request sent. */
function server() {
  const sets: GoldSet[] = [];
  const golds: SetGold[] = [];
  const requests: string[] = [];
  const headers: Record<string, string> = {};
  const fetch = async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    requests.push(`${method} ${url}${init?.body ? ' ' + String(init.body) : ''}`);
    if (url === '/api/gold-sets' && method === 'POST') {
      const { name, labels } = JSON.parse(String(init!.body)) as { name: string; labels: string[] };
      const s = { id: sets.length + 1, name, labels, ownerId: 7, createdAt: '2025-04-03T09:00:00Z', golds: 0, inService: 0, jobs: 0 };
      sets.push(s);
      return json(201, s);
    }
    if (url === '/api/gold-sets') return json(200, sets);
    if (url === '/api/gold-sets/1') return json(200, { set: sets[0], golds });
    if (url === '/api/gold-sets/1/golds') {
      Object.assign(headers, init!.headers as Record<string, string>);
      golds.push({ item: 'g1', data: { text: 'Great value' }, label: 'positive', hint: 'Praise of the price', jobs: 0, shown: 0, answered: 0, correct: 0, shareCorrect: null });
      sets[0]!.golds = 1;
      sets[0]!.inService = 1;
      return json(200, { rows: 2, accepted: 1, rejected: 1, errors: [{ line: 3, message: "label 'meh' is not one of the job's labels" }], errorsTruncated: false });
    }
    if (url === '/api/gold-sets/1/jobs/4') {
      golds[0]!.jobs = 1;
      sets[0]!.jobs = 1;
      return json(200, { setId: 1, jobId: 4, added: 1, alreadyInJob: 0, retiredLeftOut: 0, goldsInService: 3 });
    }
    if (url === '/api/gold-sets/1/retire') {
      const voiding = String(init!.body).includes('voidAnswers');
      golds[0]!.retiredAt = '2025-04-03T10:00:00Z';
      if (voiding) golds[0]!.voidedAt = '2025-04-03T10:05:00Z';
      sets[0]!.inService = 0;
      return json(200, { item: 'g1', retired: true, retiredAt: '2025-04-03T10:00:00Z', jobsChanged: 1, ...(voiding ? { voidedAt: '2025-04-03T10:05:00Z', answersVoided: 3, rejectionsReversed: 1, paidMinor: 5 } : {}) });
    }
    return problem(404, { title: 'Not found' });
  };
  return { api: new RequesterApi(new HttpClient({ fetch })), requests, headers };
}

const job = (id: number, title: string, status: string) => ({ id, title, status }) as unknown as Job;

describe('gold sets section', () => {
  it('creates a set, adds golds from CSV with the refused rows, adds it to a running job, and retires a gold everywhere', async () => {
    const { api, requests, headers } = server();
    const section = goldSetsSection(api, () => [job(4, 'Reviews', 'PUBLISHED'), job(5, 'Old', 'COMPLETED')]);
    document.body.replaceChildren(section.element);
    await section.reload();
    expect($('#no-gold-sets').textContent).toBe('No gold sets yet.');

    ($('#gold-set-name') as HTMLInputElement).value = ' Sentiment golds ';
    ($('#gold-set-labels') as HTMLInputElement).value = 'positive, negative,';
    $('#gold-set-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    await flush();
    expect(requests).toContain('POST /api/gold-sets {"name":"Sentiment golds","labels":["positive","negative"]}');
    expect($('#gold-set-status').textContent).toBe('Set “Sentiment golds” created. Add its golds below.');
    expect([...$('#gold-set-job').querySelectorAll('option')].map((o) => o.textContent)).toEqual(['Reviews']);

    const csv = 'id,text,label,hint\ng1,"Great value",positive,Praise of the price\ng2,"So so",meh,\n';
    ($('#gold-set-csv') as HTMLTextAreaElement).value = csv;
    $('#gold-set-upload-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    await flush();
    expect(requests).toContain(`POST /api/gold-sets/1/golds ${csv}`);
    expect(headers['Content-Type']).toBe('text/csv');
    expect($('[data-testid=gold-set-upload-report] p').textContent).toBe('1 golds added, 1 rows refused.');
    expect($('[data-testid=gold-set-upload-report] li').textContent).toBe("Line 3: label 'meh' is not one of the job's labels");
    expect(($('#gold-set-csv') as HTMLTextAreaElement).value).toBe(csv); // kept to fix the refused row
    expect([...$('[data-testid=gold-set]').children].slice(0, 4).map((c) => c.textContent)).toEqual(['Sentiment golds', 'positive, negative', '1 of 1', '0']);

    $('#gold-set-add').click();
    await flush();
    await flush();
    expect(requests).toContain('POST /api/gold-sets/1/jobs/4 {}');
    expect($('#gold-set-status').textContent).toBe('1 golds added to the job (0 it already had); it has 3 golds in service.');
    const row = $('[data-testid=set-gold]');
    expect([...row.children].slice(0, 6).map((c) => c.textContent)).toEqual(['g1', 'positive', 'Praise of the price', '1', '—', 'In service']);

    row.querySelector<HTMLButtonElement>('[data-action=retire-set-gold]')!.click();
    await flush();
    await flush();
    expect(requests).toContain('POST /api/gold-sets/1/retire {"item":"g1"}');
    expect($('#gold-set-status').textContent).toBe('g1: retired in the set and 1 jobs.');
    expect($('[data-testid=set-gold]').dataset.retired).toBe('true');
    expect($('[data-testid=set-gold] [data-action=restore-set-gold]')).not.toBeNull();
    expect($('[data-testid=gold-set]').children[2]!.textContent).toBe('0 of 1');

    // Voiding it: the server's account of what it did, and a voided gold offers nothing more.
    $('[data-testid=set-gold] [data-action=void-set-gold]').click();
    await flush();
    await flush();
    expect(requests).toContain('POST /api/gold-sets/1/retire {"item":"g1","voidAnswers":true}');
    expect($('#gold-set-status').textContent).toBe('g1: voided in the set and 1 jobs; 3 answers no longer count, 1 rejections reversed.');
    expect($('[data-testid=set-gold]').children[5]!.textContent).toBe('Voided');
    expect($('[data-testid=set-gold]').querySelectorAll('button')).toHaveLength(0);
  });

  it('shows why the sets could not be read', async () => {
    const api = new RequesterApi(new HttpClient({ fetch: async () => problem(503, { title: 'Unavailable', detail: 'Try again shortly' }) }));
    const section = goldSetsSection(api, () => []);
    document.body.replaceChildren(section.element);
    await section.reload();
    expect($('#gold-sets').dataset.state).toBe('error');
    expect($('#gold-set-list [role=alert]').textContent).toBe('Try again shortly');
  });
});
