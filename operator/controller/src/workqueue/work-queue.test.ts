import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.ts';

const fast = { baseDelayMs: 10, maxDelayMs: 1_000, qps: 1_000, burst: 1_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WorkQueue', () => {
  it('stores a waiting key once however often it is added', async () => {
    let adds = 0;
    const queue = new WorkQueue({ metrics: { adds: () => adds++ } });
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.length).toBe(2);
    expect(adds).toBe(3);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
  });

  it('never hands a key to two workers; a re-add while processing comes back after done', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    const key = await queue.get();
    queue.add('a');
    expect(queue.length).toBe(0);
    let second: string | undefined;
    void queue.get().then((k) => (second = k));
    await sleep(5);
    expect(second).toBeUndefined();
    queue.done(key!);
    await sleep(0);
    expect(second).toBe('a');
  });

  it('wakes a waiting worker on add', async () => {
    const queue = new WorkQueue();
    const next = queue.get();
    queue.add('x');
    expect(await next).toBe('x');
  });

  it('keeps the earliest of two delayed adds', async () => {
    const queue = new WorkQueue();
    queue.addAfter('a', 500);
    queue.addAfter('a', 20);
    const started = Date.now();
    expect(await queue.get()).toBe('a');
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('drops a delayed add of a key that is already waiting (the waiting run will see the change)', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.addAfter('a', 10);
    const key = await queue.get();
    queue.done(key!);
    await sleep(40);
    expect(queue.length).toBe(0);
  });

  it('keeps a delayed add of a key being processed (its run may have read the caches before the change)', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    const key = await queue.get();
    queue.addAfter('a', 10);
    queue.done(key!);
    await sleep(40);
    expect(queue.length).toBe(1);
  });

  it('backs off exponentially per key and starts over after forget', async () => {
    let retries = 0;
    const queue = new WorkQueue({ rateLimiter: fast, metrics: { retries: () => retries++ } });
    expect(queue.addRateLimited('a')).toBe(10);
    expect(queue.addRateLimited('a')).toBe(20);
    expect(queue.addRateLimited('a')).toBe(40);
    expect(retries).toBe(3);
    queue.forget('a');
    expect(queue.addRateLimited('a')).toBe(10);
  });

  it('drains: shutdown waits for keys in progress and hands out no more', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.add('b');
    const key = await queue.get();
    let drained = false;
    const drain = queue.shutDownWithDrain(5_000).then(() => (drained = true));
    expect(await queue.get()).toBeUndefined();
    await sleep(5);
    expect(drained).toBe(false);
    queue.done(key!);
    await drain;
    expect(drained).toBe(true);
  });
});
