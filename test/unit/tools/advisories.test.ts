import { describe, expect, it } from 'vitest';
import {
  ADVISORIES,
  advisoriesFor,
  advisoryReport,
  exposureWarnings,
  versionBelow,
} from '../../../src/tools/advisories.js';

const ids = (found: Parameters<typeof advisoriesFor>[0]) => advisoriesFor(found).flatMap((m) => m.advisory.ids);

describe('versionBelow (dotted numeric versions)', () => {
  it.each([
    ['1.2.0', '1.3.3', true],
    ['1.3.3', '1.3.3', false],
    ['1.3.10', '1.3.4', false],
    ['1.3.3', '1.3.10', true],
    ['3.1.2', '3.1.3', true],
    ['4.0.0', '3.1.3', false],
  ])('%s < %s → %s', (a, b, below) => expect(versionBelow(a, b)).toBe(below));
});

describe('advisoriesFor: matched against the detected version', () => {
  it('oras 1.2.0 (trixie) has every oras advisory; 1.3.3 only those fixed in 1.3.4; 1.3.4 none', () => {
    const oras = ADVISORIES.filter((a) => a.tool === 'oras').flatMap((a) => a.ids);
    expect(ids({ tool: 'oras', version: '1.2.0' })).toEqual(oras);
    expect(ids({ tool: 'oras', version: '1.3.3' })).toEqual([
      'GHSA-h3wm-jjqf-8jm2',
      'GHSA-whvf-jp7m-59f3',
      'GHSA-5jhf-2qmf-m8c5',
    ]);
    expect(ids({ tool: 'oras', version: '1.3.4' })).toEqual([]);
  });

  it('cosign: a known version is compared; cosign 2 without a version is affected for certain, 3 only maybe', () => {
    expect(ids({ tool: 'cosign', version: '3.1.1' })).toEqual(['GHSA-fx35-mq7g-6g98']);
    expect(ids({ tool: 'cosign', version: '3.1.3' })).toEqual([]);
    expect(advisoriesFor({ tool: 'cosign', generation: 2 })).toEqual([expect.objectContaining({ certain: true })]);
    expect(advisoriesFor({ tool: 'cosign', generation: 3 })).toEqual([expect.objectContaining({ certain: false })]);
  });

  it('never matches one tool’s advisory to the other', () => {
    expect(advisoriesFor({ tool: 'cosign', version: '1.2.0' }).every((m) => m.advisory.tool === 'cosign')).toBe(true);
  });
});

describe('what is said, and when', () => {
  it('commands warn only about what reaches them: oras < 1.3.3 read without credentials', () => {
    expect(exposureWarnings({ tool: 'oras', version: '1.2.0' }, { withCredentials: true })).toEqual([]);
    const warnings = exposureWarnings({ tool: 'oras', version: '1.2.0' }, { withCredentials: false });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: oras 1\.2\.0 has GHSA-xf85-363p-868w, .* fixed in oras 1\.3\.3$/);
    expect(exposureWarnings({ tool: 'oras', version: '1.3.3' }, { withCredentials: false })).toEqual([]);
    expect(exposureWarnings({ tool: 'cosign', generation: 2 }, { withCredentials: false })).toEqual([]);
  });

  it('doctor names every advisory, how ghcr-blob neutralises it, and the release that fixes them all', () => {
    const report = advisoryReport({ tool: 'oras', version: '1.2.0' });
    expect(report?.upgrade).toBe('upgrade oras to 1.3.4 or later');
    expect(report?.summary).toMatch(/5 neutralised by how ghcr-blob runs oras, 1 only when it has credentials/);
    expect(report?.lines.every((l) => /neutralised/.test(l))).toBe(true);
    expect(advisoryReport({ tool: 'oras', version: '1.3.4' })).toBeUndefined();
    expect(advisoryReport({ tool: 'cosign', generation: 3 })?.upgrade).toBe(
      'upgrade cosign to 3.1.3 or later (if this build is older than 3.1.3)',
    );
  });
});
