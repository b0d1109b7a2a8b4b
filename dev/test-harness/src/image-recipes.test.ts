import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `make images` builds the runtime and operator images without Docker (dev/images/build-project-images.sh);
// users with Docker build them from the Dockerfiles. Both must make the same image: these tests keep them in step.
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = `${REPO}dev/images/build-project-images.sh`;
const IMAGES = { runtime: 'runtime/Dockerfile', operator: 'operator/controller/Dockerfile' } as const;
const METADATA = new Set(['ENV', 'WORKDIR', 'USER', 'EXPOSE', 'ENTRYPOINT', 'CMD']);

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions of a Dockerfile (continuation lines joined, comments dropped). */
export function parseDockerfile(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** The instructions after the last FROM. */
function finalStage(instructions: Instruction[]): Instruction[] {
  const last = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  return instructions.slice(last);
}

function script(...args: string[]): string {
  return execFileSync('bash', [SCRIPT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe.each(Object.entries(IMAGES))('the %s image', (name, dockerfilePath) => {
  const dockerfile = finalStage(parseDockerfile(readFileSync(`${REPO}${dockerfilePath}`, 'utf8')));
  const local = parseDockerfile(script('--print-containerfile', name));

  it('starts from scratch in both recipes', () => {
    expect(dockerfile[0]).toEqual({ keyword: 'FROM', args: 'scratch' });
    expect(local[0]).toEqual({ keyword: 'FROM', args: 'scratch' });
  });

  it('has the same environment, working directory, user, ports, entrypoint and arguments', () => {
    const metadata = (list: Instruction[]) => list.filter((i) => METADATA.has(i.keyword));
    expect(metadata(dockerfile)).toEqual(metadata(local));
    expect(metadata(local).find((i) => i.keyword === 'USER')?.args).toMatch(/^[1-9]\d*:[1-9]\d*$/);
  });

  it('copies the same files: Node, production dependencies, the user database and every source folder', () => {
    const copies = dockerfile.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    const sources = script('--print-sources', name).trim().split(/\s+/);
    for (const source of sources) expect(copies).toContain(`${source} /app/${source}`);
    expect(copies).toContain('--from=dependencies /usr/local/bin/node /usr/local/bin/node');
    expect(copies).toContain('--from=dependencies /app/node_modules /app/node_modules');
    expect(copies).toContain('dev/images/etc/ /etc/');
    // Nothing else of the repository reaches the Docker image that the local recipe leaves out.
    const fromRepository = copies.filter((c) => !c.startsWith('--from=')).map((c) => c.split(' ')[0] ?? '');
    const allowed = new Set([...sources, 'dev/images/etc/', 'package.json']);
    for (const path of fromRepository) {
      expect(allowed.has(path) || path.endsWith('/package.json'), `${dockerfilePath} copies ${path}`).toBe(true);
    }
  });
});

describe('parseDockerfile', () => {
  it('joins continuation lines and drops comments', () => {
    expect(parseDockerfile('# c\nFROM scratch\nRUN a \\\n  b\nCMD ["x"]\n')).toEqual([
      { keyword: 'FROM', args: 'scratch' },
      { keyword: 'RUN', args: 'a b' },
      { keyword: 'CMD', args: '["x"]' },
    ]);
  });
});
