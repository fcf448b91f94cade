// The runner's deadlines against tiny real children (sh): no progress → stopped (exit 7 code),
// slow progress → left alone, an endless busy step → stopped at its budget, a bounded read →
// stopped once past its cap.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deadlinesFor } from '../../../src/core/deadlines.js';
import { silentLogger } from '../../../src/core/log.js';
import { createRunner } from '../../../src/tools/exec.js';

const dir = mkdtempSync(join(tmpdir(), 'ghcr-blob-exec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = createRunner(silentLogger, { PATH: process.env.PATH }, deadlinesFor(600));

describe('child deadlines', () => {
  it('a child that does nothing is stopped after the no-progress limit, naming the step', async () => {
    // Had it not been stopped, sleep would have finished with exit 0 and this would not reject.
    await expect(run({ file: 'sleep', args: ['30'], step: 'sleep thirty' })).rejects.toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      message: expect.stringMatching(/^sleep thirty stalled: no progress for 600ms/),
    });
  });

  it('a child writing slowly into its watched folder runs to the end, well past the limit', async () => {
    const out = join(dir, 'slow');
    const started = Date.now();
    const r = await run({
      file: 'sh',
      args: ['-c', `for i in 1 2 3 4 5 6 7 8 9 10; do printf x >> ${out}; sleep 0.2; done`],
      watch: out,
    });
    expect(r.exitCode).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(1_500);
  });

  it('a bounded step is stopped at its budget even while busy', async () => {
    const out = join(dir, 'busy');
    await expect(
      run({ file: 'sh', args: ['-c', `while :; do printf x >> ${out}; sleep 0.05; done`], watch: out, bounded: true }),
    ).rejects.toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      message: expect.stringMatching(/did not finish within 600ms/),
    });
  });

  it('a bounded read stops the child once past the cap, whatever it would have sent', async () => {
    await expect(
      run({ file: 'sh', args: ['-c', 'head -c 50000000 /dev/zero'], stdoutLimit: 1024 * 1024 }),
    ).rejects.toMatchObject({ code: 'VERIFICATION_FAILED', message: expect.stringMatching(/more than 1048576 bytes/) });
    const ok = await run({ file: 'sh', args: ['-c', 'printf abc'], stdoutLimit: 1024 });
    expect(ok.data?.toString()).toBe('abc');
  });
});
