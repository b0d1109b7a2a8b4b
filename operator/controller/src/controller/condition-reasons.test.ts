import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REASONS } from './condition-reasons.ts';

const SRC = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('condition reasons', () => {
  it('are CamelCase, as metav1.Condition requires', () => {
    for (const reason of Object.keys(REASONS)) expect(reason).toMatch(/^[A-Z][A-Za-z0-9]*$/);
  });

  it('are the only reasons the code uses: every quoted reason in the sources is in the catalog', () => {
    const used = new Set<string>();
    for (const file of sources(SRC)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/reason: '([A-Za-z]+)'|ReconcileError\('([A-Za-z]+)'/g)) {
        used.add(match[1] ?? match[2] ?? '');
      }
    }
    expect([...used].filter((r) => !(r in REASONS))).toEqual([]);
  });
});
