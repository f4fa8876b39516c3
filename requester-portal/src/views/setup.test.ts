import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '@common/lib/http';
import { flush, json, problem } from '@common/test/fakes';
import { formatDateTime } from '@common/lib/format';
import { RequesterApi, uploadContentType, type Job, type Uploader } from '../api/requester';
import { apiKeysSection, fundsForm, jobSetup, newJobSection, parseLabels, toMinor } from './setup';

afterEach(() => document.body.replaceChildren());
const $ = (s: string) => document.querySelector<HTMLElement>(s)!;
const set = (selector: string, value: string) => (($(selector) as HTMLInputElement).value = value);
const submit = (selector: string) => $(selector).dispatchEvent(new Event('submit', { cancelable: true }));

type Route = (init?: RequestInit) => Response;

/** A fake server answering by "METHOD path", recording each request with its body. */
function server(routes: Record<string, Route>, uploader?: Uploader) {
  const requests: string[] = [];
  const fetch = async (url: string, init?: RequestInit) => {
    const key = `${init?.method ?? 'GET'} ${url}`;
    requests.push(`${key}${init?.body ? ' ' + String(init.body) : ''}`);
    const route = routes[key];
    return route ? route(init) : problem(404, { title: 'Not found' });
  };
  return { api: new RequesterApi(new HttpClient({ fetch }), uploader), requests };
}

const job = (status: string): Job => ({ id: 7, title: 'Reviews', status }) as unknown as Job;

function chooseFile(selector: string, name: string, content: string): void {
  const input = $(selector) as HTMLInputElement;
  Object.defineProperty(input, 'files', { value: [new File([content], name)], configurable: true });
}

describe('amounts and labels typed by a requester', () => {
  it('reads amounts in the currency’s major units, refusing what is not one', () => {
    expect(toMinor('0.05', 'USD')).toBe(5);
    expect(toMinor(' 12 ', 'USD')).toBe(1200);
    expect(toMinor('3,5', 'EUR')).toBe(350);
    expect(toMinor('1.234', 'USD')).toBeNull();
    expect(toMinor('-1', 'USD')).toBeNull();
    expect(toMinor('ten', 'USD')).toBeNull();
    expect(toMinor('500', 'JPY')).toBe(500);
    expect(toMinor('5.5', 'JPY')).toBeNull();
    expect(parseLabels(' cat, dog,, cat ,bird')).toEqual(['cat', 'dog', 'bird']);
    expect(uploadContentType('items.JSONL')).toBe('application/x-ndjson');
    expect(uploadContentType('items.csv')).toBe('text/csv');
  });
});

describe('new job', () => {
  it('says what is wrong before sending, then creates the draft with the typed settings', async () => {
    const created: Job[] = [];
    const { api, requests } = server({ 'POST /api/jobs': () => json(201, { id: 9, title: 'Cats', status: 'DRAFT' }) });
    document.body.replaceChildren(newJobSection(api, () => 'USD', (j) => created.push(j)));
    set('#job-title', 'Cats');
    set('#job-labels', 'cat');
    set('#job-reward', '0');
    set('#job-deadline', '2001-01-01T09:00');
    set('#job-label-value', '0');
    submit('#new-job-form');
    await flush();
    expect([...document.querySelectorAll('#new-job-status [role=alert] p')].map((p) => p.textContent)).toEqual([
      'Give at least two labels.',
      'The reward must be an amount in USD, more than zero.',
      'The value of a right label must be an amount in USD, more than zero, or empty.',
      'The deadline must be in the future.',
    ]);
    expect(requests).toEqual([]);
    set('#job-deadline', '2999-06-30T17:45');

    set('#job-labels', 'cat, dog');
    set('#job-reward', '0.04');
    set('#job-min-accuracy', '0.7');
    set('#job-label-value', '2.50');
    submit('#new-job-form');
    await flush();
    await flush();
    const sent = JSON.parse(requests[0]!.slice('POST /api/jobs '.length)) as Record<string, unknown>;
    expect(sent).toMatchObject({ title: 'Cats', labels: ['cat', 'dog'], rewardMinor: 4, overlapMin: 3, overlapMax: 5, goldRate: 0.1, reviewWindowHours: 72, aggregationMethod: 'auto', confidenceTarget: 0.95, minAccuracy: 0.7, labelValueMinor: 250 });
    // Typed in local time, sent as the instant it names.
    expect(sent.deadline).toBe(new Date(2999, 5, 30, 17, 45).toISOString());
    expect(created.map((j) => j.id)).toEqual([9]);
    expect($('#new-job-status').textContent).toBe('Draft “Cats” created: upload its items and golds, then publish it.');
  });
});

describe('a draft job', () => {
  it('uploads items with progress and the refused rows, shows the price, and publishes once funds allow', async () => {
    const progress: number[] = [];
    const uploads: string[] = [];
    const files: Blob[] = [];
    const uploader: Uploader = async (path, file, contentType, onProgress) => {
      uploads.push(`${path} ${contentType}`);
      files.push(file);
      onProgress(0.5);
      progress.push(Number(($('#upload-items-progress') as HTMLProgressElement).value));
      onProgress(1);
      return { rows: 3, accepted: 2, rejected: 1, errors: [{ line: 4, message: 'missing id' }], errorsTruncated: false };
    };
    let funded = false;
    const { api, requests } = server(
      {
        'GET /api/jobs/7/quote': () => json(200, { normalTasks: 10, goldTasks: 2, rewardPerTaskMinor: 5, feePerTaskMinor: 1, rewardsMinor: 60, feesMinor: 6, totalMinor: 66 }),
        'POST /api/jobs/7/publish': () =>
          funded ? json(200, { id: 7, status: 'PUBLISHED' }) : problem(409, { title: 'Conflict', detail: 'the balance does not cover the budget of 0.66' }),
      },
      uploader,
    );
    let changed = 0;
    document.body.replaceChildren(jobSetup(api, job('DRAFT'), 'USD', () => changed++)!);
    await flush();
    expect($('[data-testid=quote]').textContent).toBe(
      'Publishing reserves $0.66: 10 tasks and 2 gold tasks at $0.05, plus $0.06 in fees. What is not spent comes back when the job ends.',
    );

    submit('#upload-items-form');
    await flush();
    expect($('#upload-items-result [role=alert]').textContent).toBe('Choose a CSV or JSONL file first.');
    chooseFile('#upload-items-file', 'items.csv', 'id,text\na,x\nb,y\n,z\n');
    submit('#upload-items-form');
    await flush();
    await flush();
    expect(uploads).toEqual(['/api/jobs/7/items text/csv']);
    expect((files[0] as File).name).toBe('items.csv');
    expect(files[0]!.size).toBe('id,text\na,x\nb,y\n,z\n'.length); // the file itself, not a copy read into memory
    expect(progress).toEqual([0.5]);
    expect($('[data-testid=upload-report-items] p').textContent).toBe('2 of 3 rows stored, 1 refused.');
    expect($('[data-testid=upload-report-items] li').textContent).toBe('Line 4: missing id');
    expect(changed).toBe(1);
    expect(requests.filter((r) => r === 'GET /api/jobs/7/quote')).toHaveLength(2); // the price follows the upload

    $('#publish').click();
    await flush();
    expect($('#setup-status [role=alert]').textContent).toBe('The balance does not cover the budget of 0.66');
    funded = true;
    $('#publish').click();
    await flush();
    expect($('#setup-status').textContent).toBe('Published: workers can take its tasks now.');
    expect(changed).toBe(2);
  });

  it('tops a running job’s escrow up with one reference per amount', async () => {
    const { api, requests } = server({ 'POST /api/jobs/7/top-up': () => json(200, { id: 7, status: 'PUBLISHED' }) });
    let changed = 0;
    document.body.replaceChildren(jobSetup(api, job('PAUSED'), 'USD', () => changed++)!);
    expect(document.querySelector('#publish')).toBeNull();
    expect(document.querySelector('#upload-golds-form')).not.toBeNull();
    set('#topup-amount', 'lots');
    submit('#topup-form');
    await flush();
    expect($('#setup-status [role=alert]').textContent).toBe('Type an amount in USD, more than zero.');
    set('#topup-amount', '25.50');
    submit('#topup-form');
    await flush();
    await flush();
    const body = JSON.parse(requests[0]!.slice('POST /api/jobs/7/top-up '.length)) as { amountMinor: number; reference: string };
    expect(body.amountMinor).toBe(2550);
    expect(body.reference).toMatch(/^[0-9a-f-]{36}$/);
    expect($('#setup-status').textContent).toBe('$25.50 moved to the job’s escrow; it runs.');
    expect(changed).toBe(1);
    // An ended job keeps its history, and can be run again as a copy.
    document.body.replaceChildren(jobSetup(api, job('COMPLETED'), 'USD', () => {}));
    expect(document.querySelector('#job-history')).not.toBeNull();
    expect(document.querySelector('#job-controls, #job-settings, #topup-form')).toBeNull();
    expect(document.querySelector('#job-duplicate')).not.toBeNull();
  });

  it('duplicates a job into a new draft with its settings and golds', async () => {
    const { api, requests } = server({
      'POST /api/jobs/7/duplicate': () => json(201, { id: 12, title: 'Reviews (copy)', status: 'DRAFT', goldCount: 40 }),
    });
    let changed = 0;
    document.body.replaceChildren(jobSetup(api, job('COMPLETED'), 'USD', () => changed++));
    $('#job-duplicate').click();
    await flush();
    expect(requests).toEqual(['POST /api/jobs/7/duplicate {}']);
    expect($('#setup-status').textContent).toBe('Draft “Reviews (copy)” created with this job’s settings and 40 golds: upload its items, then publish it.');
    expect(changed).toBe(1);
    // Not in the quality console: a quality manager does not create jobs for a requester.
    document.body.replaceChildren(jobSetup(api, job('PUBLISHED'), 'USD', () => {}, { console: true }));
    expect(document.querySelector('#job-duplicate')).toBeNull();
  });
});

describe('running a job', () => {
  it('pauses with a note, resumes, cancels only on a second click, and shows the history', async () => {
    let escrowShort = true;
    const { api, requests } = server({
      'POST /api/jobs/7/pause': () => json(200, { id: 7, status: 'PAUSED', pauseReason: 'OWNER' }),
      'POST /api/jobs/7/resume': () =>
        escrowShort ? problem(409, { title: 'Conflict', detail: 'the job’s escrow is 1100 (minor units) short of the work it has committed to; top it up, then resume' }) : json(200, { id: 7, status: 'PUBLISHED' }),
      'POST /api/jobs/7/cancel': () => json(200, { id: 7, status: 'CANCELLED' }),
      'GET /api/jobs/7/changes': () =>
        json(200, [
          { id: 1, actorId: 3, actorEmail: 'ann@example.com', changedAt: '2025-04-03T09:00:00Z', action: 'PAUSE', changes: { status: ['PUBLISHED', 'PAUSED'] }, note: 'fixing the instructions' },
          { id: 2, actorId: 4, actorEmail: 'qm@example.com', changedAt: '2025-04-03T10:00:00Z', action: 'SETTINGS', changes: { minAccuracy: [0, 0.8] }, note: null },
        ]),
    });
    let changed = 0;
    document.body.replaceChildren(jobSetup(api, job('PUBLISHED'), 'USD', () => changed++)!);
    expect(document.querySelector('#job-resume')).toBeNull();
    set('#job-note', 'fixing the instructions');
    $('#job-pause').click();
    await flush();
    expect(requests).toContain('POST /api/jobs/7/pause {"note":"fixing the instructions"}');
    expect($('#setup-status').textContent).toBe('Paused: no new tasks are handed out; tasks already taken may still be answered.');
    expect(changed).toBe(1);

    // Paused by its owner: Resume, refused while the escrow is short, with the server's reason.
    document.body.replaceChildren(jobSetup(api, { ...job('PAUSED'), pauseReason: 'OWNER' }, 'USD', () => changed++)!);
    expect($('[data-testid=pause-reason]').textContent).toBe('Paused by you or a quality manager; top-ups do not resume it.');
    $('#job-resume').click();
    await flush();
    expect($('#setup-status [role=alert]').textContent).toContain('short of the work it has committed to');
    expect(($('#job-resume') as HTMLButtonElement).disabled).toBe(false);
    escrowShort = false;
    $('#job-resume').click();
    await flush();
    expect(requests).toContain('POST /api/jobs/7/resume {}');
    expect($('#setup-status').textContent).toBe('Resumed: workers can take its tasks again.');

    // Paused for want of funds: Pause (to hold it), not Resume.
    document.body.replaceChildren(jobSetup(api, { ...job('PAUSED'), pauseReason: 'FUNDS' }, 'USD', () => changed++)!);
    expect($('[data-testid=pause-reason]').textContent).toBe('Paused: its escrow ran short. Top it up to resume.');
    expect(document.querySelector('#job-pause')).not.toBeNull();

    const before = requests.length;
    $('#job-cancel').click();
    await flush();
    expect(requests.length).toBe(before);
    expect($('#job-cancel').textContent).toBe('Confirm: cancel');
    $('#job-cancel').click();
    await flush();
    expect(requests[requests.length - 1]).toBe('POST /api/jobs/7/cancel {}');
    expect($('#setup-status').textContent).toContain('Cancelled:');

    const details = $('#job-controls details') as HTMLDetailsElement;
    details.open = true;
    details.dispatchEvent(new Event('toggle'));
    await flush();
    expect([...document.querySelectorAll('[data-testid=job-change]')].map((li) => li.textContent)).toEqual([
      `${formatDateTime('2025-04-03T09:00:00Z')} · ann@example.com · paused — “fixing the instructions”`,
      `${formatDateTime('2025-04-03T10:00:00Z')} · qm@example.com · settings changed · minAccuracy: 0 → 0.8`,
    ]);
  });

  it('says when a running job ends, and shows the end the system recorded at its deadline', async () => {
    const { api } = server({
      'GET /api/jobs/7/changes': () =>
        json(200, [
          { id: 1, actorId: 3, actorEmail: 'ann@example.com', changedAt: '2025-04-03T09:00:00Z', action: 'SETTINGS', changes: { deadline: ['2025-04-04T12:00:00Z', '2025-04-05T12:00:00Z'] } },
          { id: 2, actorId: null, actorEmail: null, changedAt: '2025-04-05T12:00:30Z', action: 'EXPIRE', changes: { status: ['PUBLISHED', 'EXPIRED'] }, note: 'deadline 2025-04-05T12:00:00Z reached' },
        ]),
    });
    document.body.replaceChildren(jobSetup(api, { ...job('PUBLISHED'), deadline: '2025-04-05T12:00:00Z' }, 'USD', () => {}));
    expect($('[data-testid=deadline]').textContent).toBe(`Ends at its deadline, ${formatDateTime('2025-04-05T12:00:00Z')}, unless finished before.`);

    document.body.replaceChildren(jobSetup(api, { ...job('EXPIRED'), deadline: '2025-04-05T12:00:00Z' }, 'USD', () => {}));
    expect(document.querySelector('#job-cancel')).toBeNull();
    const details = $('#job-history').closest('details') as HTMLDetailsElement;
    details.open = true;
    details.dispatchEvent(new Event('toggle'));
    await flush();
    expect([...document.querySelectorAll('[data-testid=job-change]')].map((li) => li.textContent)).toEqual([
      `${formatDateTime('2025-04-03T09:00:00Z')} · ann@example.com · settings changed · deadline: 2025-04-04T12:00:00Z → 2025-04-05T12:00:00Z`,
      `${formatDateTime('2025-04-05T12:00:30Z')} · Goldfinch · ended at its deadline — “deadline 2025-04-05T12:00:00Z reached”`,
    ]);
  });
});

describe('funds and API keys', () => {
  it('sends the requester to Stripe Checkout, or says why an offline installation cannot take a payment', async () => {
    let offline = true;
    const { api } = server({
      'POST /api/account/checkout': () =>
        offline
          ? problem(409, { title: 'Conflict', detail: 'payments run offline here: an admin credits balances' })
          : json(200, { checkoutId: 'c1', checkoutUrl: 'https://checkout.stripe.com/c/pay/cs_1' }),
    });
    const went: string[] = [];
    document.body.replaceChildren(fundsForm(api, () => 'USD', (url) => went.push(url)));
    set('#funds-amount', '0.50');
    submit('#funds-form');
    await flush();
    expect($('#funds-status [role=alert]').textContent).toBe('Type an amount in USD of at least $1.00.');
    set('#funds-amount', '100');
    submit('#funds-form');
    await flush();
    expect($('#funds-status [role=alert]').textContent).toBe('Payments run offline here: an admin credits balances');
    offline = false;
    submit('#funds-form');
    await flush();
    expect(went).toEqual(['https://checkout.stripe.com/c/pay/cs_1']);
  });

  it('creates a key and shows it once, and revokes one', async () => {
    const keys: { id: number; name: string; prefix: string; createdAt: string; revokedAt?: string }[] = [];
    const { api, requests } = server({
      'GET /api/api-keys': () => json(200, keys),
      'POST /api/api-keys': () => {
        keys.push({ id: 1, name: 'pipeline', prefix: 'gf_ab12', createdAt: '2025-04-03T09:00:00Z' });
        return json(201, { id: 1, name: 'pipeline', prefix: 'gf_ab12', key: 'gf_ab12secret' });
      },
      'DELETE /api/api-keys/1': () => {
        keys[0]!.revokedAt = '2025-04-03T10:00:00Z';
        return new Response(null, { status: 204 });
      },
    });
    const section = apiKeysSection(api);
    document.body.replaceChildren(section.element);
    await section.reload();
    expect($('#no-api-keys').textContent).toBe('No keys yet.');
    set('#api-key-name', ' pipeline ');
    submit('#api-key-form');
    await flush();
    await flush();
    expect(requests).toContain('POST /api/api-keys {"name":"pipeline"}');
    expect($('[data-testid=api-key-secret] code').textContent).toBe('gf_ab12secret');
    expect([...$('[data-testid=api-key]').children].slice(0, 2).map((c) => c.textContent)).toEqual(['pipeline', 'gf_ab12…']);
    $('[data-action=revoke-key]').click();
    await flush();
    await flush();
    expect(requests).toContain('DELETE /api/api-keys/1');
    expect($('[data-testid=api-key]').children[3]!.textContent).toMatch(/^Revoked /);
    expect(document.querySelector('[data-testid=api-key-secret]')).toBeNull();
    expect($('#api-key-status').textContent).toBe('“pipeline” revoked: requests with it are refused from now on.');
  });
});
