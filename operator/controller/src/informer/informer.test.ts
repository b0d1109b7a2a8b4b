import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { KubeApiError, type KubeClient, type WatchEvent } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/kube-object.ts';
import { resourceKind } from '../kube/resource-kinds.ts';
import { Informer, stripBookkeeping } from './informer.ts';

const logger = pino({ level: 'silent' });

const cm = (name: string, rv: string, value = rv): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion: rv, managedFields: [{ manager: 'x' }] },
  data: { value },
});

/**
 * A KubeClient double for the informer's two calls: `list` returns the scripted lists in turn, `watch` plays
 * the scripted watches in turn (an event array, or an error to throw) and then waits for the abort.
 */
function scriptedClient(script: {
  lists: { items: KubeObject[]; resourceVersion: string }[];
  watches: (WatchEvent[] | Error)[];
}) {
  const calls: string[] = [];
  const client = {
    list: async () => {
      const list = script.lists.shift() ?? { items: [], resourceVersion: '999' };
      calls.push(`list:${list.resourceVersion}`);
      return list;
    },
    watch: async function* (_resource: unknown, options: { resourceVersion: string; signal: AbortSignal }) {
      calls.push(`watch:${options.resourceVersion}`);
      const next = script.watches.shift();
      if (next instanceof Error) throw next;
      for (const event of next ?? []) yield event;
      if (next === undefined) {
        await new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve()));
      }
    },
  };
  return { client: client as unknown as KubeClient, calls };
}

async function runUntil(informer: Informer, done: () => boolean): Promise<void> {
  const stop = new AbortController();
  const running = informer.run(stop.signal);
  const deadline = Date.now() + 5_000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  stop.abort();
  await running;
}

const options = { resource: resourceKind('ConfigMap'), logger, backoffMs: { initial: 1, max: 2 } };

describe('Informer', () => {
  it('re-lists after a persistent watch error other than 410 (a 403 while RBAC is fixed), then resumes', async () => {
    const { client, calls } = scriptedClient({
      lists: [
        { items: [cm('a', '10')], resourceVersion: '10' },
        { items: [cm('a', '12'), cm('b', '11')], resourceVersion: '12' },
      ],
      watches: [new KubeApiError(403, 'Forbidden', 'configmaps is forbidden')],
    });
    const informer = new Informer(client, options);
    const events: string[] = [];
    informer.onEvent((type, object) => events.push(`${type}:${object.metadata.name}`));
    await runUntil(informer, () => calls.length >= 4);
    expect(calls.slice(0, 4)).toEqual(['list:10', 'watch:10', 'list:12', 'watch:12']);
    expect(events).toEqual(['add:a', 'update:a', 'add:b']);
  });

  it('re-lists at once on 410 Gone in an ERROR event', async () => {
    const { client, calls } = scriptedClient({
      lists: [
        { items: [], resourceVersion: '5' },
        { items: [], resourceVersion: '50' },
      ],
      watches: [[{ type: 'ERROR', object: { code: 410, message: 'too old resource version' } as never }]],
    });
    await runUntil(new Informer(client, options), () => calls.length >= 4);
    expect(calls.slice(0, 4)).toEqual(['list:5', 'watch:5', 'list:50', 'watch:50']);
  });

  it('tells handlers nothing about the echo of a write it already recorded', async () => {
    const { client, calls } = scriptedClient({
      lists: [{ items: [cm('a', '1')], resourceVersion: '1' }],
      watches: [
        [
          { type: 'MODIFIED', object: cm('a', '2') },
          { type: 'MODIFIED', object: cm('a', '3') },
        ],
      ],
    });
    const informer = new Informer(client, options);
    const events: string[] = [];
    informer.onEvent((type, object) => events.push(`${type}:${object.metadata.resourceVersion}`));
    const stop = new AbortController();
    const running = informer.run(stop.signal);
    await informer.synced();
    informer.observeWrite(cm('a', '2'), '1');
    while (calls.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    stop.abort();
    await running;
    // '2' was this process's own write: only the list's add and the foreign change '3' reach the handlers.
    expect(events).toEqual(['add:1', 'update:3']);
    expect(informer.get('ns/a')?.metadata.resourceVersion).toBe('3');
  });

  it('tells handlers nothing about a key whose write is in flight, even when the watch is faster than the write', async () => {
    const { client, calls } = scriptedClient({
      lists: [{ items: [], resourceVersion: '1' }],
      watches: [[{ type: 'ADDED', object: cm('a', '2') }]],
    });
    const informer = new Informer(client, options);
    const events: string[] = [];
    informer.onEvent((type, object) => events.push(`${type}:${object.metadata.resourceVersion}`));
    const release = informer.expectWrite('ns/a');
    const stop = new AbortController();
    const running = informer.run(stop.signal);
    while (calls.length < 2 || informer.get('ns/a') === undefined) await new Promise((r) => setTimeout(r, 5));
    informer.observeWrite(cm('a', '2'), undefined);
    release();
    stop.abort();
    await running;
    expect(events).toEqual([]);
    expect(informer.get('ns/a')?.metadata.resourceVersion).toBe('2');
  });

  it('caches objects without managedFields or kubectl last-applied-configuration', async () => {
    const { client } = scriptedClient({ lists: [{ items: [cm('a', '1')], resourceVersion: '1' }], watches: [] });
    const informer = new Informer(client, options);
    await runUntil(informer, () => informer.hasSynced);
    expect(informer.get('ns/a')?.metadata.managedFields).toBeUndefined();
    const stripped = stripBookkeeping({
      ...cm('b', '1'),
      metadata: {
        name: 'b',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}', keep: 'me' },
      },
    });
    expect(stripped.metadata.annotations).toEqual({ keep: 'me' });
  });
});
