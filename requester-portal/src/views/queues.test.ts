import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '@common/lib/http';
import { flush, json, problem } from '@common/test/fakes';
import { RequesterApi } from '../api/requester';
import { describeEvidence, queuesSection } from './queues';

afterEach(() => document.body.replaceChildren());

describe('quality manager queues', () => {
  it('puts evidence in words', () => {
    expect(describeEvidence('{"kind":"POSTERIOR","answer":"cat","posteriorLabel":"dog","confidence":0.9712}')).toBe('The crowd says dog (97% sure)');
    expect(describeEvidence('{"kind":"FAILED_GOLDS","failedGolds":["g1","g7"]}')).toBe('Failed golds: g1, g7');
    expect(describeEvidence(null)).toBe('—');
    expect(describeEvidence('not json')).toBe('not json');
  });

  it('decides a held rejection, and keeps it when the decision fails', async () => {
    const held = { id: 'r1', assignmentId: 'x', text: 'spam', evidence: null, createdAt: '2025-04-03T09:00:00Z', jobId: 1, workerId: 2, label: 'cat', item: 'i9' };
    let fail = true;
    const fetch = async (url: string, init?: RequestInit) => {
      const key = `${init?.method ?? 'GET'} ${url}`;
      if (key === 'GET /api/qm/appeals') return json(200, []);
      if (key === 'GET /api/qm/rejections') return json(200, fail ? [held] : []);
      if (key === 'POST /api/qm/rejections/r1/approve') {
        if (fail) return problem(409, { title: 'Conflict', detail: 'the requester cannot pay this back' });
        return json(200, { assignmentId: 'r1', status: 'REJECTED' });
      }
      return problem(404, { title: 'Not found' });
    };
    const section = queuesSection(new RequesterApi(new HttpClient({ fetch })));
    document.body.replaceChildren(section.element);
    await section.reload();
    const approve = () => document.querySelector<HTMLButtonElement>('[data-testid=pending-rejections] [data-action=approve]')!;
    approve().click();
    await flush();
    expect(document.querySelector('#queue-status [role=alert]')!.textContent).toBe('The requester cannot pay this back');
    expect(approve().disabled).toBe(false);
    fail = false;
    approve().click();
    await flush(3);
    expect(document.getElementById('queue-status')!.textContent).toBe('i9: rejected.');
    expect(document.querySelector('[data-testid=no-rejections]')).not.toBeNull();
  });
});
