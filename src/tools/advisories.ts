/**
 * Published advisories of the oras and cosign releases ghcr-blob wraps, each with what ghcr-blob's
 * own use of the tool makes of it. Most are neutralised by how ghcr-blob runs the tool (the registry
 * credential never reaches oras: registry-fence.ts; cosign is never the only verifier); doctor lists
 * those, and every command warns only about what still reaches ghcr-blob's use.
 */
import type { ToolName } from './locate.js';

export interface Advisory {
  tool: ToolName;
  ids: readonly string[];
  /** The first release with the fix: every version below it is affected. */
  fixedIn: string;
  /** What the flaw lets someone do, in a few words. */
  flaw: string;
  /** Why it does not reach ghcr-blob's use of the tool. */
  neutralised: string;
  /** What still reaches ghcr-blob's use when oras runs without credentials (then every command warns). */
  exposedWithoutCredentials?: string;
}

const FENCE =
  'oras never holds the registry credential (ghcr-blob relays its requests and adds it for the registry alone)';

export const ADVISORIES: readonly Advisory[] = [
  {
    tool: 'oras',
    ids: ['GHSA-xf85-363p-868w', 'GHSA-28r5-37g7-p6mp'],
    fixedIn: '1.3.3',
    flaw: 'follows the token realm a registry names to any host, scheme or internal address',
    neutralised: FENCE,
    exposedWithoutCredentials:
      'reading without credentials, a hostile registry can still make oras send requests to addresses inside your network',
  },
  {
    tool: 'oras',
    ids: ['GHSA-vh4v-2xq2-g5cg', 'GHSA-jxpm-75mh-9fp7'],
    fixedIn: '1.3.3',
    flaw: 'sends the credential on to redirect targets and upload locations of other origins',
    neutralised: FENCE,
  },
  {
    tool: 'oras',
    ids: ['GHSA-fxhp-mv3v-67qp'],
    fixedIn: '1.3.3',
    flaw: 'a hard link in a pulled folder can reach a file outside the output folder',
    neutralised: 'ghcr-blob downloads single blobs by digest (oras blob fetch) and never unpacks folders',
  },
  {
    tool: 'oras',
    ids: ['GHSA-f36w-mj3v-6jqv'],
    fixedIn: '1.3.3',
    flaw: 'a crafted descriptor size crashes oras',
    neutralised: 'a crash fails the step; ghcr-blob lands nothing it has not verified',
  },
  {
    tool: 'oras',
    ids: ['GHSA-h3wm-jjqf-8jm2', 'GHSA-whvf-jp7m-59f3'],
    fixedIn: '1.3.4',
    flaw: 'presents client certificates and custom headers to other hosts',
    neutralised: 'ghcr-blob gives oras neither a client certificate nor a custom header',
  },
  {
    tool: 'oras',
    ids: ['GHSA-5jhf-2qmf-m8c5'],
    fixedIn: '1.3.4',
    flaw: '--debug output keeps bearer tokens',
    neutralised: `ghcr-blob never runs oras with --debug, and ${FENCE}`,
  },
  {
    tool: 'cosign',
    ids: ['GHSA-fx35-mq7g-6g98'],
    fixedIn: '3.1.3',
    flaw: 'verify-blob accepts a bare public key in a legacy bundle, skipping the certificate and identity checks',
    neutralised:
      'ghcr-blob hands cosign only Sigstore bundles it has parsed itself, and the in-process verifier must accept them too',
  },
];

/** A tool as detection found it: oras always reports its version; a cosign build may not (Debian's says "devel"). */
export interface ToolVersion {
  tool: ToolName;
  version?: string;
  /** cosign's generation (2 or 3), known from its flags even without a version. */
  generation?: number;
}

export interface AdvisoryMatch {
  advisory: Advisory;
  /** false: the version is unknown and could be the fixed one. */
  certain: boolean;
}

const parts = (v: string): number[] => v.split('.').map((p) => Number.parseInt(p, 10) || 0);

/** `a < b` for dotted numeric versions (1.3.3 < 1.3.10). */
export function versionBelow(a: string, b: string): boolean {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  }
  return false;
}

export function advisoriesFor(found: ToolVersion, table: readonly Advisory[] = ADVISORIES): AdvisoryMatch[] {
  const matches: AdvisoryMatch[] = [];
  for (const advisory of table) {
    if (advisory.tool !== found.tool) continue;
    if (found.version !== undefined) {
      if (versionBelow(found.version, advisory.fixedIn)) matches.push({ advisory, certain: true });
      continue;
    }
    // No version: a whole generation below the fix's major is affected; the fix's own generation may not be.
    const fixedMajor = parts(advisory.fixedIn)[0] ?? 0;
    if (found.generation !== undefined && found.generation < fixedMajor) matches.push({ advisory, certain: true });
    else matches.push({ advisory, certain: false });
  }
  return matches;
}

const nameOf = (found: ToolVersion): string =>
  found.version !== undefined
    ? `${found.tool} ${found.version}`
    : `${found.tool}${found.generation === undefined ? '' : ` ${found.generation}`} (version not reported)`;

const highestFix = (matches: readonly AdvisoryMatch[]): string =>
  matches.map((m) => m.advisory.fixedIn).reduce((a, b) => (versionBelow(a, b) ? b : a));

/**
 * The warnings every command prints: only what reaches ghcr-blob's use (with or without credentials),
 * each naming the advisories and the release that fixes them.
 */
export function exposureWarnings(found: ToolVersion, opts: { withCredentials: boolean }): string[] {
  if (opts.withCredentials) return [];
  return advisoriesFor(found)
    .filter((m) => m.advisory.exposedWithoutCredentials !== undefined)
    .map(
      ({ advisory, certain }) =>
        `warning: ${nameOf(found)} ${certain ? 'has' : 'may have'} ${advisory.ids.join(', ')} (${advisory.flaw}): ${advisory.exposedWithoutCredentials}; fixed in ${advisory.tool} ${advisory.fixedIn}`,
    );
}

/** doctor's account: every advisory that applies, and what ghcr-blob makes of each. */
export function advisoryReport(found: ToolVersion): { summary: string; lines: string[]; upgrade: string } | undefined {
  const matches = advisoriesFor(found);
  if (matches.length === 0) return undefined;
  const certain = matches.every((m) => m.certain);
  const fix = highestFix(matches);
  const lines = matches.map(({ advisory }) => {
    const outcome = advisory.exposedWithoutCredentials
      ? `neutralised with credentials: ${advisory.neutralised}; but ${advisory.exposedWithoutCredentials}`
      : `neutralised: ${advisory.neutralised}`;
    return `${advisory.ids.join(', ')} (fixed in ${advisory.fixedIn}): ${advisory.flaw}; ${outcome}`;
  });
  const partly = matches.filter((m) => m.advisory.exposedWithoutCredentials !== undefined).length;
  const count = `${matches.length} published advisor${matches.length === 1 ? 'y' : 'ies'}`;
  const outcome =
    partly === 0
      ? `${matches.length === 1 ? 'it is' : 'all'} neutralised by how ghcr-blob runs ${found.tool}`
      : `${matches.length - partly} neutralised by how ghcr-blob runs ${found.tool}, ${partly} only when it has credentials`;
  return {
    summary: `${nameOf(found)} ${certain ? 'is affected by' : 'may be affected by'} ${count} (${outcome})`,
    lines,
    upgrade: `upgrade ${found.tool} to ${fix} or later${certain ? '' : ` (if this build is older than ${fix})`}`,
  };
}
