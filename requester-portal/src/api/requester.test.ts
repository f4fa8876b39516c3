import { describe, expect, it } from 'vitest';
import { HttpClient } from '@common/lib/http';
import { json, problem, scriptedFetch } from '@common/test/fakes';
import { RequesterApi, snapshotFileName, snapshotUrl, answersUrl, completion, goldAccuracy, goldsToReview, projectedCostMinor, resultsUrl, type GoldStats } from './requester';

describe('RequesterApi', () => {
  it('reads the account, the jobs and one job’s progress', async () => {
    const fetch = scriptedFetch(
      json(200, { availableMinor: 1, reservedMinor: 2, spentMinor: 3, currency: 'USD' }),
      json(200, [{ id: 4 }]),
      json(200, { itemsTotal: 10, itemsDone: 5 }),
    );
    const api = new RequesterApi(new HttpClient({ fetch }));
    expect((await api.account()).reservedMinor).toBe(2);
    expect(await api.jobs()).toEqual([{ id: 4 }]);
    expect((await api.progress(4)).itemsDone).toBe(5);
    expect(fetch.requests.map((r) => r.url)).toEqual(['/api/account', '/api/jobs', '/api/jobs/4/progress']);
    expect(fetch.requests.every((r) => r.init.credentials === 'same-origin')).toBe(true);
  });

  it('passes on the problem detail of a failed call', async () => {
    const api = new RequesterApi(new HttpClient({ fetch: scriptedFetch(problem(404, { title: 'Not Found', detail: 'No job 99' })) }));
    await expect(api.progress(99)).rejects.toMatchObject({ status: 404, userMessage: 'No job 99' });
  });
});

describe('dataset snapshots', () => {
  it('lists a job’s versions, saves one with a POST, and refuses a body without a version', async () => {
    const fetch = scriptedFetch(json(200, [{ version: 2 }, { version: 1 }]), json(201, { version: 3 }), json(200, { detail: 'x' }), json(200, {}));
    const api = new RequesterApi(new HttpClient({ fetch }));
    expect((await api.snapshots(5)).map((s) => s.version)).toEqual([2, 1]);
    expect((await api.createSnapshot(5)).version).toBe(3);
    await expect(api.createSnapshot(5)).rejects.toThrow('no snapshot');
    expect(await api.snapshots(5)).toEqual([]);
    expect(fetch.requests.map((r) => `${r.init.method ?? 'GET'} ${r.url}`)).toEqual([
      'GET /api/jobs/5/snapshots', 'POST /api/jobs/5/snapshots', 'POST /api/jobs/5/snapshots', 'GET /api/jobs/5/snapshots',
    ]);
  });

  it('builds download links and file names per format', () => {
    expect(snapshotUrl('a/b', 3, 'label-studio')).toBe('/api/jobs/a%2Fb/snapshots/3/items?format=label-studio');
    expect(snapshotFileName(4, 2, 'csv')).toBe('job-4-v2.csv');
    expect(snapshotFileName(4, 2, 'label-studio')).toBe('job-4-v2-label-studio.json');
  });
});

describe('adjudication', () => {
  it('reads the queue and posts an item’s label (with a note only when given)', async () => {
    const fetch = scriptedFetch(json(200, { items: [], pending: 0 }), json(200, { item: 'a/b', label: 'x' }), json(200, { item: 'c', label: 'y' }), json(200, {}));
    const api = new RequesterApi(new HttpClient({ fetch }));
    expect((await api.adjudicationQueue(3, 5)).pending).toBe(0);
    expect((await api.adjudicate(3, 'a/b', 'x')).item).toBe('a/b');
    await api.adjudicate(3, 'c', 'y', 'checked twice');
    await expect(api.adjudicationQueue(3)).rejects.toThrow('no adjudication queue');
    expect(fetch.requests.map((r) => `${r.init.method ?? 'GET'} ${r.url} ${r.init.body ?? ''}`.trim())).toEqual([
      'GET /api/jobs/3/adjudication?limit=5',
      'POST /api/jobs/3/adjudication {"item":"a/b","label":"x"}',
      'POST /api/jobs/3/adjudication {"item":"c","label":"y","note":"checked twice"}',
      'GET /api/jobs/3/adjudication?limit=20',
    ]);
  });
});

describe('gold health', () => {
  const g = (item: string, flag: string, shareCorrect: number | null): GoldStats => ({
    item, goldLabel: 'a', shown: 1, answered: 1, correct: 0, shareCorrect, crowdLabel: null, crowdConfidence: null, crowdAnswers: 0, flag,
  });

  it('reads a job’s gold health and refuses a body without golds', async () => {
    const fetch = scriptedFetch(json(200, { jobId: 7, golds: [g('x', 'OK', 1)] }), json(200, {}));
    const api = new RequesterApi(new HttpClient({ fetch }));
    expect((await api.goldHealth(7)).golds).toHaveLength(1);
    await expect(api.goldHealth('a/b')).rejects.toThrow('no gold statistics');
    expect(fetch.requests.map((r) => r.url)).toEqual(['/api/jobs/7/golds/health', '/api/jobs/a%2Fb/golds/health']);
  });

  it('orders golds for review: probably wrong, ambiguous, then the rest, lowest share first', () => {
    const sorted = goldsToReview([g('ok', 'OK', 0.2), g('amb2', 'AMBIGUOUS', 0.45), g('wrong', 'PROBABLY_WRONG', 0.3), g('amb1', 'AMBIGUOUS', 0.1), g('new', 'TOO_FEW_ANSWERS', null)]);
    expect(sorted.map((x) => x.item)).toEqual(['wrong', 'amb1', 'amb2', 'ok', 'new']);
  });
});

describe('result links and progress arithmetic', () => {
  it('builds download links per format, encoding the id', () => {
    expect(resultsUrl(12, 'csv')).toBe('/api/jobs/12/results?format=csv');
    expect(resultsUrl('a/b', 'jsonl')).toBe('/api/jobs/a%2Fb/results?format=jsonl');
    expect(answersUrl(12, 'csv')).toBe('/api/jobs/12/answers?format=csv');
  });

  it('computes completion, clamped, and zero for an empty job', () => {
    expect(completion({ itemsDone: 25, itemsTotal: 100 })).toBe(0.25);
    expect(completion({ itemsDone: 0, itemsTotal: 0 })).toBe(0);
    expect(completion({ itemsDone: 12, itemsTotal: 10 })).toBe(1);
  });

  it('reports gold accuracy only once gold was answered', () => {
    expect(goldAccuracy({ goldAnswers: 0, goldCorrect: 0 })).toBeNull();
    expect(goldAccuracy({ goldAnswers: 8, goldCorrect: 6 })).toBe(0.75);
  });

  it('projects the total cost from the done share in whole minor units', () => {
    expect(projectedCostMinor({ itemsDone: 3, itemsTotal: 10, costSoFarMinor: 100 })).toBe(333);
    expect(projectedCostMinor({ itemsDone: 0, itemsTotal: 10, costSoFarMinor: 0 })).toBeNull();
    expect(projectedCostMinor({ itemsDone: 0, itemsTotal: 10, costSoFarMinor: 0, projectedCostMinor: 4400 })).toBe(4400);
  });
});
