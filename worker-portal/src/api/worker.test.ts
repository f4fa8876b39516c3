import { describe, expect, it } from 'vitest';
import { HttpClient } from '@common/lib/http';
import { json, noContent, problem, scriptedFetch } from '@common/test/fakes';
import { WorkerApi, normaliseTask } from './worker';

const task = {
  assignmentId: '6f1c2a9e-0000-4000-8000-000000000001',
  jobId: 3,
  jobTitle: 'Cats',
  instructions: 'Pick one',
  labels: ['cat', 'dog'],
  data: { image_url: 'https://img.example.org/1.jpg' },
  rewardMinor: 4,
  leaseExpiresAt: '2025-05-01T10:05:00Z',
};

describe('WorkerApi', () => {
  it('asks for the next task of one job and returns it', async () => {
    const fetch = scriptedFetch(json(200, task));
    const api = new WorkerApi(new HttpClient({ fetch }));
    expect(await api.nextTask(3)).toEqual(task);
    expect(fetch.requests[0]!.url).toBe('/api/worker/tasks/next?jobId=3');
    expect(fetch.requests[0]!.init.method).toBe('POST');
  });

  it('returns null when nothing is available (204)', async () => {
    const api = new WorkerApi(new HttpClient({ fetch: scriptedFetch(noContent()) }));
    expect(await api.nextTask()).toBeNull();
  });

  it('sends the answer with its Idempotency-Key', async () => {
    const fetch = scriptedFetch(json(200, { assignmentId: task.assignmentId, status: 'SUBMITTED' }));
    const api = new WorkerApi(new HttpClient({ fetch }));
    await api.answer(task.assignmentId, 'dog', 'key-123');
    const req = fetch.requests[0]!;
    expect(req.url).toBe(`/api/worker/tasks/${task.assignmentId}/answer`);
    expect(req.headers['Idempotency-Key']).toBe('key-123');
    expect(req.body).toEqual({ label: 'dog' });
  });

  it('asks for the next task in the answer call (next=true&jobId) and returns it normalised', async () => {
    const next = { ...task, assignmentId: '6f1c2a9e-0000-4000-8000-000000000002', labels: ['cat', 7, 'dog'] };
    const fetch = scriptedFetch(json(200, { assignmentId: task.assignmentId, status: 'SUBMITTED', next }));
    const api = new WorkerApi(new HttpClient({ fetch }));
    const result = await api.answer(task.assignmentId, 'dog', 'key-123', { next: true, jobId: 3 });
    const req = fetch.requests[0]!;
    expect(req.url).toBe(`/api/worker/tasks/${task.assignmentId}/answer?next=true&jobId=3`);
    expect(req.init.method).toBe('POST');
    expect(req.headers['Idempotency-Key']).toBe('key-123');
    expect(req.body).toEqual({ label: 'dog' });
    expect(result).toEqual({ assignmentId: task.assignmentId, status: 'SUBMITTED', next: { ...next, labels: ['cat', 'dog'] } });
  });

  it('asks for the next task of any job when no job is given, and keeps other fields such as an exam', async () => {
    const exam = { passed: true };
    const fetch = scriptedFetch(json(200, { assignmentId: task.assignmentId, status: 'SUBMITTED', exam }));
    const result = await new WorkerApi(new HttpClient({ fetch })).answer(task.assignmentId, 'dog', 'k', { next: true });
    expect(fetch.requests[0]!.url).toBe(`/api/worker/tasks/${task.assignmentId}/answer?next=true`);
    expect(result).toEqual({ assignmentId: task.assignmentId, status: 'SUBMITTED', exam });
    expect(result.next).toBeUndefined();
  });

  it('sends no jobId without next (the server only accepts it together with next=true)', async () => {
    const fetch = scriptedFetch(json(200, { assignmentId: 'a', status: 'SUBMITTED' }));
    await new WorkerApi(new HttpClient({ fetch })).answer('a', 'dog', 'k', { next: false, jobId: 3 });
    expect(fetch.requests[0]!.url).toBe('/api/worker/tasks/a/answer');
  });

  it('treats a missing, null or malformed next task as absent', async () => {
    const bodies = [
      { assignmentId: 'a', status: 'SUBMITTED', next: null },
      { assignmentId: 'a', status: 'SUBMITTED', next: 'soon' },
      { assignmentId: 'a', status: 'SUBMITTED', next: { ...task, assignmentId: '' } },
      { assignmentId: 'a', status: 'SUBMITTED', next: [task] },
    ];
    const fetch = scriptedFetch(...bodies.map((b) => json(200, b)), noContent());
    const api = new WorkerApi(new HttpClient({ fetch }));
    for (let i = 0; i < bodies.length; i++) {
      const result = await api.answer('a', 'dog', `k${i}`, { next: true });
      expect(result).toEqual({ assignmentId: 'a', status: 'SUBMITTED' });
      expect('next' in result).toBe(false);
    }
    expect(await api.answer('a', 'dog', 'k-empty', { next: true })).toEqual({ assignmentId: 'a', status: 'SUBMITTED' });
  });

  it('surfaces 409 on an expired lease as an ApiError', async () => {
    const api = new WorkerApi(new HttpClient({ fetch: scriptedFetch(problem(409, { title: 'Conflict', detail: 'Lease expired' })) }));
    await expect(api.answer('a', 'dog', 'k')).rejects.toMatchObject({ status: 409, detail: 'Lease expired' });
  });

  it('releases with keepalive when asked (page hide)', async () => {
    const fetch = scriptedFetch(noContent());
    await new WorkerApi(new HttpClient({ fetch })).release('a/b', { keepalive: true });
    expect(fetch.requests[0]!.url).toBe('/api/worker/tasks/a%2Fb/release');
    expect(fetch.requests[0]!.init.keepalive).toBe(true);
  });
});

describe('normaliseTask', () => {
  it('refuses a task without an assignment id', () => {
    expect(() => normaliseTask({ ...task, assignmentId: undefined })).toThrow(/assignment id/);
    expect(() => normaliseTask('nope')).toThrow(/malformed/);
  });

  it('tolerates odd data: non-string labels dropped, non-object data wrapped', () => {
    const t = normaliseTask({ ...task, labels: ['a', 3, null, 'b'], data: 'just text' });
    expect(t.labels).toEqual(['a', 'b']);
    expect(t.data).toEqual({ value: 'just text' });
  });
});
