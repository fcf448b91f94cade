import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { refusePublicLogForPrivateRepository } from '../../../src/commands/public-log.js';

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
const dir = mkdtempSync(join(tmpdir(), 'public-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = (url: string) => {
  const path = join(dir, `${encodeURIComponent(url)}.json`);
  writeFileSync(path, JSON.stringify({ rekorTlogUrls: [{ url, majorApiVersion: 1 }] }));
  return path;
};

describe('refusePublicLogForPrivateRepository', () => {
  const priv = jwt({ repository: 'octo/secret', repository_visibility: 'private' });
  it.each([
    ['public repository', jwt({ repository_visibility: 'public' }), {}],
    ['public GitLab project', jwt({ project_path: 'octo/tools', project_visibility: 'public' }), {}],
    ['no visibility claim (not a GitHub token)', jwt({ sub: 'me@example.com' }), {}],
    ['--allow-public-log', priv, { allowPublicLog: true }],
    ['a signing config for another log', priv, { signingConfig: config('https://rekor.internal.example') }],
  ])('allows: %s', async (_name, token, opts) => {
    await expect(refusePublicLogForPrivateRepository(token, { allowPublicLog: false, ...opts })).resolves.toBe(
      undefined,
    );
  });

  it.each([
    ['private, default public-good', priv, {}],
    ['internal', jwt({ repository: 'octo/x', repository_visibility: 'internal' }), {}],
    ['a private GitLab project', jwt({ project_path: 'octo/group/secret', project_visibility: 'private' }), {}],
    [
      'public by one claim, private by the other',
      jwt({ repository: 'octo/x', repository_visibility: 'public', project_visibility: 'private' }),
      {},
    ],
    [
      'a signing config that still names public-good Rekor',
      priv,
      { signingConfig: config('https://rekor.sigstore.dev') },
    ],
  ])('refuses: %s', async (_name, token, opts) => {
    await expect(refusePublicLogForPrivateRepository(token, { allowPublicLog: false, ...opts })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/repository octo\/[\w/]+ to the public transparency log/),
    });
  });
});
