import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OperatorMetrics } from './operator-metrics.ts';

const SRC = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('OperatorMetrics', () => {
  it('declares no metric that nothing sets (a dashboard would show an empty series forever)', () => {
    const metrics = new OperatorMetrics();
    const fields = Object.keys(metrics).filter((field) => field !== 'registry' && field !== 'observeRequest');
    const code = sources(SRC)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const unused = fields.filter((field) => !new RegExp(`(metrics|this)\\.${field}\\.`).test(code));
    expect(fields.length).toBeGreaterThan(15);
    expect(unused).toEqual([]);
  });
});
