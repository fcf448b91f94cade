/**
 * `doctor [REF]`: is this machine ready? One check each (present/doctor.ts prints ✓ or ✗, and a fix for every ✗).
 * Nothing is written anywhere (the registry check reads one manifest into a private folder).
 * Exits non-zero, with the code of the first failed check, when anything needed is missing.
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { MAX_MANIFEST_BYTES } from '../artifact/manifest.js';
import { cjsExports } from '../core/cjs.js';
import { type ErrorCode, GhcrBlobError, isGhcrBlobError } from '../core/errors.js';
import { privateTempDir } from '../core/fs.js';
import { printableLine } from '../core/printable.js';
import { formatReference, parseReference } from '../core/reference.js';
import { type DoctorOptions, doctorOptionsSchema } from '../options/doctor.js';
import { parseOptions } from '../options/parse.js';
import type { Deps } from './deps.js';
import { connectRegistry, findCosign, findOras, useTufCache } from './prepare.js';
import { advisoryReport, type ToolVersion } from '../tools/advisories.js';
import { cosignVersion } from '../tools/cosign.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** Passes, with something to act on (a published advisory): `!` instead of `✓`, never a failure. */
  warning?: boolean;
  /** More lines under the detail (each advisory). */
  notes?: string[];
  detail: string;
  fix?: string;
  /** What a failure of this check exits with. */
  code?: ErrorCode;
}

const PUBLIC_GOOD_TIMEOUT_MS = 10_000;

/** `^20.17.0 || >=22.9.0`: the two range forms package.json's engines uses. */
export function satisfiesEngines(version: string, range: string): boolean {
  const v = version.replace(/^v/, '').split('.').map(Number);
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  return range.split('||').some((part) => {
    const m = /^\s*(\^|>=)\s*(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
    if (!m) return false;
    const min = [Number(m[2]), Number(m[3]), Number(m[4])];
    return cmp(v, min) >= 0 && (m[1] === '>=' || v[0] === min[0]);
  });
}

async function check(name: string, body: () => Promise<string>): Promise<DoctorCheck> {
  try {
    return { name, ok: true, detail: await body() };
  } catch (e) {
    const err = isGhcrBlobError(e) ? e : new GhcrBlobError('INTERNAL', (e as Error)?.message ?? String(e));
    return {
      name,
      ok: false,
      detail: printableLine(err.message),
      fix: err.recommendation ?? 'run the failing command with --debug for details',
      code: err.code,
    };
  }
}

function nodeCheck(): DoctorCheck {
  const { engines } = createRequire(import.meta.url)('../package.json') as { engines: { node: string } };
  const ok = satisfiesEngines(process.versions.node, engines.node);
  return {
    name: 'node',
    ok,
    detail: `Node ${process.versions.node} (${ok ? 'supported' : 'not supported'}: ${engines.node})`,
    ...(ok
      ? {}
      : {
          fix: `install Node ${engines.node} (e.g. actions/setup-node with node-version: 22)`,
          code: 'TOOL_MISSING' as const,
        }),
  };
}

/** The public-good trusted root through TUF, as sigstore-js's own verifier gets it (with a timeout and a retry). */
async function publicGoodTrust(tufCachePath: string | undefined): Promise<string> {
  try {
    const { createVerifier } = cjsExports(await import('sigstore'), 'createVerifier');
    await createVerifier({
      timeout: PUBLIC_GOOD_TIMEOUT_MS,
      retry: { retries: 1 },
      ...(tufCachePath === undefined ? {} : { tufCachePath }),
    });
  } catch (e) {
    throw new GhcrBlobError(
      'REGISTRY_UNREACHABLE',
      `Sigstore public-good trust not reachable: ${(e as Error).message}`,
      {
        recommendation:
          'allow HTTPS to tuf-repo-cdn.sigstore.dev (HTTPS_PROXY is honoured), or pass --trusted-root FILE for offline use',
      },
    );
  }
  return 'Sigstore public-good trusted root fetched and checked through TUF';
}

/** A published advisory of a tool in use: a warning line (and an annotation under Actions), never a failure. */
function advisoryCheck(tool: ToolVersion): DoctorCheck[] {
  const report = advisoryReport(tool);
  if (!report) return [];
  return [
    {
      name: `${tool.tool}-advisories`,
      ok: true,
      warning: true,
      detail: report.summary,
      notes: report.lines,
      fix: report.upgrade,
    },
  ];
}

export async function runDoctor(refArg: string | undefined, raw: unknown, deps: Deps): Promise<DoctorCheck[]> {
  const opts: DoctorOptions = parseOptions(doctorOptionsSchema, raw);
  const ref = refArg === undefined ? undefined : parseReference(refArg);
  const checks: DoctorCheck[] = [nodeCheck()];
  const found: ToolVersion[] = [];
  // The doctor asks the binaries themselves, never the detection cache.
  const probed = { ...deps, toolCache: undefined };
  checks.push(
    await check('oras', async () => {
      const oras = await findOras(opts, probed);
      found.push({ tool: 'oras', version: oras.version });
      return `oras ${oras.version} at ${oras.path} (generation ${oras.generation}, supported)`;
    }),
  );
  checks.push(
    await check('cosign', async () => {
      const cosign = await findCosign(opts, probed);
      const version = await cosignVersion(cosign, deps.run);
      found.push({ tool: 'cosign', generation: cosign.generation, ...(version ? { version } : {}) });
      return `cosign ${version ?? cosign.generation} at ${cosign.path} (supported)`;
    }),
  );
  checks.push(...found.flatMap(advisoryCheck));
  checks.push(
    await check('sigstore-trust', async () => {
      if (!opts.trustedRoot) {
        const cache = await useTufCache(opts, deps, ['sigstore-js', 'cosign']);
        return publicGoodTrust(cache.sigstoreJs);
      }
      const { loadTrustedRoot } = await import('../verify/trusted-root.js');
      const root = await loadTrustedRoot(resolve(opts.trustedRoot)).catch((e: unknown) => {
        throw new GhcrBlobError('USAGE', isGhcrBlobError(e) ? e.message : String(e), {
          recommendation:
            "pass your Sigstore instance's TrustedRoot JSON, or leave out --trusted-root to use public-good",
        });
      });
      return `trusted root ${opts.trustedRoot} is valid (${root.certificateAuthorities.length} CA, ${root.tlogs.length} log, ${root.timestampAuthorities.length} TSA)`;
    }),
  );
  if (ref && checks[1]!.ok) {
    checks.push(
      await check('registry', async () => {
        const oras = await connectRegistry(opts, deps);
        const work = await privateTempDir();
        try {
          await oras.fetchManifest(formatReference(ref), join(work.path, 'manifest.json'), MAX_MANIFEST_BYTES);
        } finally {
          await work.dispose();
          await oras.dispose();
        }
        return `${formatReference(ref)} is reachable and readable with these credentials`;
      }),
    );
  }
  for (const c of checks.filter((c) => c.warning)) {
    const message = `warning: ${c.detail}; ${c.fix}`;
    (deps.warnings ??= []).push(message);
    (deps.log.warn ?? deps.log.info)(message);
  }
  return checks;
}

/** What doctor exits with: the code of the first failed check (none when all passed). */
export function doctorFailure(checks: readonly DoctorCheck[]): GhcrBlobError | undefined {
  const failed = checks.filter((c) => !c.ok);
  if (!failed[0]) return undefined;
  return new GhcrBlobError(
    failed[0].code ?? 'INTERNAL',
    `doctor: ${failed.length} check${failed.length === 1 ? '' : 's'} failed (${failed.map((c) => c.name).join(', ')})`,
  );
}
