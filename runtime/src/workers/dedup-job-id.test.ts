import { describe, expect, it } from 'vitest';
import { dedupJobId } from './job-queue.ts';

describe('dedupJobId', () => {
  it('maps a task and key to one stable version-5 UUID', () => {
    const id = dedupJobId('push-fanout', 'message-1');
    expect(id).toBe(dedupJobId('push-fanout', 'message-1'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(dedupJobId('push-fanout', 'message-2')).not.toBe(id);
    expect(dedupJobId('other', 'message-1')).not.toBe(id);
  });
});
