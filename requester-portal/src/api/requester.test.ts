import { describe, expect, it } from 'vitest';
import { HttpClient } from '@common/lib/http';
import { json, problem, scriptedFetch } from '@common/test/fakes';
import { RequesterApi, answersUrl, completion, goldAccuracy, projectedCostMinor, resultsUrl } from './requester';

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
  });
});
