// Name binding: the signed repository must be exactly the one pulled. Each evil case is a name
// that a loose comparison (prefix, case-folded, trimmed) would take for the repository.
import { describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { bindName, describeName, NOT_BOUND, subjectRepository } from '../../../src/evidence/kinds/name.js';

const REPO = 'ghcr.io/octo/tools/report.json';
const target = { repository: REPO, title: 'report.json' };
const signed = (repository: string, title?: string) => ({
  repository,
  ...(title !== undefined ? { title } : {}),
  namesTitle: true,
});

const refusal = (f: () => unknown): GhcrBlobError => {
  try {
    f();
  } catch (e) {
    if (e instanceof GhcrBlobError) return e;
    throw e;
  }
  throw new Error('accepted');
};

describe('bindName', () => {
  it('the exact repository and title: bound', () => {
    expect(bindName(signed(REPO, 'report.json'), target)).toEqual({
      bound: true,
      repository: REPO,
      title: 'report.json',
    });
  });

  it.each([
    ['a longer name that starts with it', `${REPO}-evil`],
    ['a shorter name it starts with', 'ghcr.io/octo/tools/report'],
    ['the parent repository', 'ghcr.io/octo/tools'],
    ['another host', 'ghcr.evil.example/octo/tools/report.json'],
    ['the host with a port', 'ghcr.io:443/octo/tools/report.json'],
    ['other case', 'ghcr.io/Octo/tools/report.json'],
    ['other case of the host', 'GHCR.io/octo/tools/report.json'],
    ['a trailing slash', `${REPO}/`],
    ['a leading space', ` ${REPO}`],
    ['a trailing newline', `${REPO}\n`],
    ['a scheme', `https://${REPO}`],
    ['a tag', `${REPO}:v1`],
    ['another repository', 'ghcr.io/octo/tools/installer.sh'],
  ])('%s is another repository: exit 3, both names shown', (_n, name) => {
    const e = refusal(() => bindName(signed(name, 'report.json'), target));
    expect(e.code).toBe('VERIFICATION_FAILED');
    expect(e.message).toMatch(/names another repository/);
    expect(e.message).toContain(REPO);
    expect(e.details.join('\n')).toContain(`pulled from:         ${REPO}`);
  });

  it.each([
    ['another title', 'installer.sh'],
    ['other case', 'Report.json'],
    ['a longer title', 'report.json.sh'],
    ['no title, where the artifact has one', undefined],
  ])('%s: refused', (_n, title) => {
    const e = refusal(() => bindName(signed(REPO, title), target));
    expect(e.code).toBe('VERIFICATION_FAILED');
    expect(e.message).toMatch(/names another file title/);
  });

  it('an untitled artifact (a Helm chart) matches a statement that names no title', () => {
    expect(bindName(signed(REPO), { repository: REPO, title: '' })).toEqual({ bound: true, repository: REPO });
  });

  it('a `.sig` docker-reference names no title: only the repository is compared', () => {
    expect(bindName({ repository: REPO, namesTitle: false }, target)).toEqual({ bound: true, repository: REPO });
    expect(() => bindName({ repository: `${REPO}-evil`, namesTitle: false }, target)).toThrow(/another repository/);
  });

  it('no signed name: not bound; a local file without --repository: shown, not checked', () => {
    expect(bindName(undefined, target)).toEqual({ bound: false, note: NOT_BOUND });
    const local = bindName(signed(REPO, 'report.json'), {});
    expect(local).toMatchObject({ bound: false, repository: REPO });
    expect(describeName(local)).toMatch(/not checked/);
    expect(describeName(bindName(undefined, {}))).toBe('not bound to a repository name');
  });
});

describe('subjectRepository: a third party statement subject names a repository only when it reads as one', () => {
  it.each([
    ['ghcr.io/octo/app', true],
    ['localhost:5000/octo/app', true],
    ['registry.example.com:5000/a/b/c', true],
    ['report.json', false],
    ['pkg:npm/left-pad@1.3.0', false],
    ['octo/app', false],
    ['ghcr.io', false],
    ['https://ghcr.io/octo/app', false],
  ])('%s → %s', (name, isRepository) => {
    expect(subjectRepository(name) !== undefined).toBe(isRepository);
  });
});
