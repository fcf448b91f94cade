import { describe, expect, it } from 'vitest';
import { childEnv, createRunner } from '../../../src/tools/exec.js';
import { silentLogger } from '../../../src/core/log.js';

describe('child environment', () => {
  it('passes only allow-listed variables and never tokens', () => {
    const env = childEnv({
      PATH: '/bin',
      HOME: '/h',
      GHCR_TOKEN: 'x',
      GITHUB_TOKEN: 'y',
      COSIGN_PASSWORD: 'z',
      AWS_SECRET_ACCESS_KEY: 'w',
      HTTPS_PROXY: 'p',
    });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', HTTPS_PROXY: 'p' });
  });

  it('a real child sees the allow-listed env, its secret on stdin, and nothing of it in argv', async () => {
    const run = createRunner(silentLogger, { PATH: process.env.PATH, GHCR_TOKEN: 'tok-in-parent-env' });
    const out = await run({ file: 'sh', args: ['-c', 'env; echo; cat'], stdin: 'the-secret', secrets: ['the-secret'] });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).not.toContain('tok-in-parent-env');
    expect(out.stdout).toContain('***'); // the child read its stdin; the runner redacted it
    expect(out.stdout).not.toContain('the-secret');
  });

  it('reports a missing binary as TOOL_MISSING', async () => {
    const run = createRunner(silentLogger, { PATH: '/nonexistent' });
    await expect(run({ file: '/nonexistent/oras', args: [] })).rejects.toMatchObject({ code: 'TOOL_MISSING' });
  });

  it('returns non-zero exits as results, redacted', async () => {
    const run = createRunner(silentLogger, { PATH: process.env.PATH });
    const out = await run({ file: 'sh', args: ['-c', 'echo "bad token hunter22" >&2; exit 3'], secrets: ['hunter22'] });
    expect(out).toMatchObject({ exitCode: 3, stderr: 'bad token ***\n' });
  });
});
