import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '@common/lib/http';
import { flush, json, problem } from '@common/test/fakes';
import { RequesterApi, type Job } from '../api/requester';
import { changedSettings, fromLocalInput, settingsForm, toLocalInput } from './jobSettings';

afterEach(() => document.body.replaceChildren());
const $ = (s: string) => document.querySelector<HTMLElement>(s)!;
const set = (selector: string, value: string) => (($(selector) as HTMLInputElement).value = value);

const job: Job = {
  id: 7, title: 'Reviews', status: 'PUBLISHED', rewardMinor: 10, overlapMin: 3, overlapMax: 3, goldRate: 0.1, itemCount: 20, goldCount: 2,
  createdAt: '2025-04-01T09:00:00Z', instructions: 'Be careful.', minAccuracy: 0, confidenceTarget: 0.95, requiredSkills: ['de'],
  maxTasksPerWorker: 50, maxTasksPerWorkerPerDay: null, priority: 0, hourlyFloorMinor: null, deadline: '2025-04-10T18:30:00Z',
  probationGolds: 5, minMedianSeconds: 0, speedWindow: 10, labelValueMinor: null,
};
const untouched = {
  title: 'Reviews', instructions: 'Be careful.', goldRate: '0.1', minAccuracy: '', confidenceTarget: '0.95', priority: '0',
  maxTasksPerWorker: '50', maxTasksPerWorkerPerDay: '', requiredSkills: 'de', hourlyFloorMinor: '',
  deadline: toLocalInput('2025-04-10T18:30:00Z'), probationGolds: '5', minMedianSeconds: '', speedWindow: '10', labelValueMinor: '',
  calibrateConfidence: 'true',
};

describe('job settings', () => {
  it('sends only what was typed over, with 0 for a cap or floor taken away', () => {
    expect(changedSettings(job, untouched, 'USD')).toEqual({ settings: {}, problems: [] });
    expect(
      changedSettings(job, { ...untouched, minAccuracy: '0.8', maxTasksPerWorker: '', requiredSkills: 'de, fr, de', hourlyFloorMinor: '12.50', title: ' Reviews 2 ' }, 'USD'),
    ).toEqual({ settings: { title: 'Reviews 2', minAccuracy: 0.8, maxTasksPerWorker: 0, requiredSkills: ['de', 'fr'], hourlyFloorMinor: 1250 }, problems: [] });
    expect(changedSettings(job, { ...untouched, goldRate: '0.7', priority: '1.5', title: ' ' }, 'USD').problems).toEqual([
      'Give the job a title.',
      'The gold rate must be from 0 to 0.5.',
      'The priority must be a whole number from -100 to 100.',
    ]);
  });

  it('sends stopping rules: a speed limit with its window, a shorter probation, and none taken back as 0', () => {
    expect(changedSettings(job, { ...untouched, minMedianSeconds: '2.5', speedWindow: '20', probationGolds: '3' }, 'USD')).toEqual({
      settings: { probationGolds: 3, minMedianSeconds: 2.5, speedWindow: 20 },
      problems: [],
    });
    expect(changedSettings({ ...job, minMedianSeconds: 2.5 }, { ...untouched, minMedianSeconds: '' }, 'USD').settings).toEqual({ minMedianSeconds: 0 });
    expect(changedSettings(job, { ...untouched, probationGolds: '0', speedWindow: '2.5' }, 'USD').problems).toEqual([
      'The golds before the minimum applies must be a whole number from 1 to 1000.',
      'The answers the median is taken over must be a whole number from 1 to 1000.',
    ]);
  });

  it('sends what a right label is worth in minor units, 0 to take it away, and refuses what is not an amount', () => {
    expect(changedSettings(job, { ...untouched, labelValueMinor: '0.40' }, 'USD').settings).toEqual({ labelValueMinor: 40 });
    expect(changedSettings({ ...job, labelValueMinor: 40 }, { ...untouched, labelValueMinor: '' }, 'USD').settings).toEqual({ labelValueMinor: 0 });
    expect(changedSettings({ ...job, labelValueMinor: 40 }, { ...untouched, labelValueMinor: '0.40' }, 'USD').settings).toEqual({});
    expect(changedSettings(job, { ...untouched, labelValueMinor: 'a lot' }, 'USD').problems).toEqual([
      'The value of a right label must be an amount in USD, or empty for none.',
    ]);
    document.body.replaceChildren(settingsForm(new RequesterApi(new HttpClient({ fetch: async () => json(200, job) })), { ...job, labelValueMinor: 40 }, 'USD', () => {}));
    expect(($('#set-label-value') as HTMLInputElement).value).toBe('0.40');
  });

  it('switches the calibration of confidence on golds off and on, and says what it is calibrated with', async () => {
    expect(changedSettings(job, { ...untouched, calibrateConfidence: 'false' }, 'USD').settings).toEqual({ calibrateConfidence: false });
    expect(changedSettings({ ...job, calibrateConfidence: false }, untouched, 'USD').settings).toEqual({ calibrateConfidence: true });
    expect(changedSettings({ ...job, calibrateConfidence: true }, untouched, 'USD').settings).toEqual({});
    const requests: string[] = [];
    const fetch = async (url: string, init?: RequestInit) => {
      requests.push(`${init?.method ?? 'GET'} ${url} ${String(init?.body ?? '')}`);
      return json(200, { ...job, calibrateConfidence: false });
    };
    document.body.replaceChildren(settingsForm(new RequesterApi(new HttpClient({ fetch })), { ...job, calibrateConfidence: true, confidenceBeta: 0.404 }, 'USD', () => {}));
    const box = $('#set-calibrate') as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect(box.closest('label')!.textContent).toContain('×0.40');
    box.checked = false;
    $('#settings-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    expect(requests).toEqual(['PATCH /api/jobs/7 {"calibrateConfidence":false}']);
    expect($('#settings-status').textContent).toBe('Saved: calibrateConfidence.');
  });

  it('moves the deadline to a future local time, refuses a past or malformed one, and cannot take it away', () => {
    const now = Date.parse('2025-04-08T00:00:00Z');
    const later = new Date(2025, 3, 12, 9, 15); // local time, as the input holds it
    expect(toLocalInput(later.toISOString())).toBe('2025-04-12T09:15');
    expect(fromLocalInput('2025-04-12T09:15')).toBe(later.toISOString());
    expect(fromLocalInput('12 April')).toBeNull();
    expect(changedSettings(job, { ...untouched, deadline: '2025-04-12T09:15' }, 'USD', now)).toEqual({ settings: { deadline: later.toISOString() }, problems: [] });
    expect(changedSettings(job, { ...untouched, deadline: '' }, 'USD', now)).toEqual({ settings: {}, problems: [] });
    expect(changedSettings(job, { ...untouched, deadline: '2025-04-01T09:15' }, 'USD', now).problems).toEqual(['The deadline must be in the future.']);
    expect(changedSettings(job, { ...untouched, deadline: 'soon' }, 'USD', now).problems).toEqual(['The deadline must be a date and time.']);
    document.body.replaceChildren(settingsForm(new RequesterApi(new HttpClient({ fetch: async () => json(200, job) })), job, 'USD', () => {}));
    expect(($('#set-deadline') as HTMLInputElement).value).toBe(untouched.deadline);
  });

  it('saves the changed fields with a note, shows the server’s refusal, and keeps what it saved as the new baseline', async () => {
    const requests: string[] = [];
    let funded = false;
    const fetch = async (url: string, init?: RequestInit) => {
      requests.push(`${init?.method ?? 'GET'} ${url} ${String(init?.body ?? '')}`);
      if (url !== '/api/jobs/7') return problem(404, { title: 'Not found' });
      return funded
        ? json(200, { ...job, goldRate: 0.3 })
        : problem(409, { title: 'Conflict', detail: 'not enough funds in requester:1:available for 209 minor units' });
    };
    let changed = 0;
    document.body.replaceChildren(settingsForm(new RequesterApi(new HttpClient({ fetch })), job, 'USD', () => changed++));
    $('#settings-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    expect($('#settings-status').textContent).toBe('Nothing changed.');
    expect(requests).toEqual([]);

    set('#set-gold-rate', '0.3');
    set('#set-note', 'more golds for a noisy crowd');
    $('#settings-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    expect(requests).toEqual(['PATCH /api/jobs/7 {"goldRate":0.3,"note":"more golds for a noisy crowd"}']);
    expect($('#settings-status [role=alert]').textContent).toContain('Not enough funds');
    expect(changed).toBe(0);

    funded = true;
    $('#settings-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    expect($('#settings-status').textContent).toBe('Saved: goldRate. Escrow re-budgeted for a gold rate of 30%.');
    expect(changed).toBe(1);
    $('#settings-form').dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    expect($('#settings-status').textContent).toBe('Nothing changed.');
  });
});
