// Keeps ARCHITECTURE.md true: imports flow one way between the rooms of src/, and only
// tools/ starts processes. A change that moves a room updates both, or this fails.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Which rooms each room may import from (itself always allowed). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  cli: ['commands', 'core', 'secrets', 'tools'],
  commands: ['options', 'evidence', 'secrets', 'artifact', 'verify', 'tools', 'core'],
  options: ['core'],
  secrets: ['core', 'tools'],
  evidence: ['artifact', 'verify', 'tools', 'core'],
  artifact: ['tools', 'core'],
  verify: ['core'],
  tools: ['core'],
  core: [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const roomOf = (file: string): string => {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0]! : rel.replace(/\.ts$/, '');
};

function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

const files = sourceFiles(SRC);

describe('architecture', () => {
  it('knows every room under src/', () => {
    expect(new Set(files.map(roomOf))).toEqual(new Set(Object.keys(MAY_IMPORT)));
  });

  it.each(files.map((f) => [relative(SRC, f), f]))('%s imports only rooms below it', (_name, file) => {
    const from = roomOf(file);
    const wrong = localImports(file)
      .map(roomOf)
      .filter((to) => to !== from && !MAY_IMPORT[from]!.includes(to));
    expect(wrong).toEqual([]);
  });

  it('only tools/ starts processes', () => {
    const spawning = files.filter((f) =>
      /from 'execa'|import\('execa'\)|node:child_process/.test(readFileSync(f, 'utf8')),
    );
    expect(spawning.map((f) => roomOf(f))).toEqual(spawning.map(() => 'tools'));
    expect(spawning.length).toBeGreaterThan(0);
  });
});
