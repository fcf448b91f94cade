// Both verifiers side by side: cosign is started before the in-process checks (CPU work on
// ghcr-blob's own thread) begin, so neither waits for the other; both must accept.
import { describe, expect, it } from 'vitest';
import { bothVerifiers } from '../../../src/evidence/kinds/both.js';
import type { VerificationCheck } from '../../../src/evidence/kinds/kind.js';
import type { SigstoreBundle } from '../../../src/verify/index.js';

const bundle = { verificationMaterial: { tlogEntries: [] } } as unknown as SigstoreBundle;
const check = (engine: 'both' | 'sigstore' = 'both') =>
  ({ engine, cosign: { path: '/bin/cosign', generation: 3 } }) as unknown as VerificationCheck;

describe('bothVerifiers', () => {
  it('starts the in-process checks only once cosign has been started', async () => {
    const events: string[] = [];
    const r = await bothVerifiers(
      check(),
      bundle,
      async () => {
        events.push('in-process');
        return 'ok';
      },
      async (_cosign, started) => {
        await new Promise((resolve) => setTimeout(resolve, 5)); // preparing cosign's folder, etc.
        events.push('cosign started');
        started?.();
        events.push('cosign running');
      },
    );
    expect(events.indexOf('cosign started')).toBeLessThan(events.indexOf('in-process'));
    expect(r).toEqual({ value: 'ok', verifiers: ['sigstore-js', 'cosign 3'] });
  });

  it('still runs the in-process checks, and fails, when cosign fails before it starts', async () => {
    let ran = false;
    await expect(
      bothVerifiers(
        check(),
        bundle,
        async () => {
          ran = true;
          return 'ok';
        },
        async () => {
          throw new Error('cosign could not start');
        },
      ),
    ).rejects.toThrow('cosign could not start');
    expect(ran).toBe(true);
  });

  it('with --engine sigstore, never asks cosign', async () => {
    const r = await bothVerifiers(
      check('sigstore'),
      bundle,
      async () => 'ok',
      async () => {
        throw new Error('asked');
      },
    );
    expect(r.verifiers).toEqual(['sigstore-js']);
  });
});
