import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CATALOG } from './error-catalog.ts';
import { PROBLEM_TYPE_BASE } from './problem-details.ts';

const docs = readFileSync(new URL('../../../docs/problems.md', import.meta.url), 'utf8');

/** Parses the `## code` sections of docs/problems.md and their `Status: NNN` lines. */
function documentedErrors(): Map<string, number> {
  const result = new Map<string, number>();
  for (const section of docs.split(/^## /m).slice(1)) {
    const code = section.split('\n', 1)[0]!.trim();
    const status = /^Status: (\d{3})/m.exec(section)?.[1];
    result.set(code, Number(status));
  }
  return result;
}

describe('error catalog', () => {
  it('is documented in docs/problems.md, code by code, with the same status', () => {
    const documented = documentedErrors();
    const catalog = new Map(Object.entries(ERROR_CATALOG).map(([code, entry]) => [code, entry.status]));
    expect(documented).toEqual(catalog);
  });

  it('documents each code under its type URI', () => {
    for (const code of Object.keys(ERROR_CATALOG)) expect(docs).toContain(`${PROBLEM_TYPE_BASE}${code}`);
  });

  it('turns an AppError into a problem document with the stable type', () => {
    const error = new AppError('precondition-failed', 'version 3 does not match', { extensions: { current: 4 } });
    expect(error.toProblem('/v1/x')).toEqual({
      type: `${PROBLEM_TYPE_BASE}precondition-failed`,
      title: 'Precondition failed',
      status: 412,
      detail: 'version 3 does not match',
      instance: '/v1/x',
      current: 4,
    });
  });
});
