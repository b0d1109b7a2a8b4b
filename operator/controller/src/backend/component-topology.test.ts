import { COMPONENT_NAMES, type ComponentName } from '@mobileplane/api';
import { describe, expect, it } from 'vitest';
import { CALLERS, DEFAULT_RESOURCES, enabledCallers } from './component-topology.ts';

describe('component topology', () => {
  it('covers every component', () => {
    expect(Object.keys(CALLERS).sort()).toEqual([...COMPONENT_NAMES].sort());
    expect(Object.keys(DEFAULT_RESOURCES).sort()).toEqual([...COMPONENT_NAMES].sort());
  });

  it('never lets a component call itself', () => {
    for (const name of COMPONENT_NAMES) expect(CALLERS[name]).not.toContain(name);
  });

  it.each<[ComponentName, ComponentName[], string[]]>([
    ['auth', ['api', 'auth', 'workers'], ['public', 'api']],
    ['auth', ['auth'], ['public']],
    ['push', ['api', 'workers', 'push'], ['api', 'workers']],
    ['workers', ['api', 'auth', 'workers', 'push', 'storage'], []],
  ])('callers of %s when %j run are %j', (component, enabled, expected) => {
    expect(enabledCallers(component, new Set(enabled))).toEqual(expected);
  });
});
