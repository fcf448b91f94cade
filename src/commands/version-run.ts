/**
 * `--version --json`: ghcr-blob's version, Node's, and the oras and cosign it would run (where it
 * finds them: GHCR_BLOB_ORAS / GHCR_BLOB_COSIGN, else PATH), each null with the reason when
 * missing or unusable. Always exits 0: it reports, it does not judge (doctor does).
 */
import { isGhcrBlobError } from '../core/errors.js';
import { printableLine } from '../core/printable.js';
import type { Deps } from './deps.js';
import { findCosign, findOras } from './prepare.js';
import { SCHEMA_VERSION } from './present/presentation.js';

type Found<T> = T | { version: null; reason: string };

async function found<T>(detect: () => Promise<T>): Promise<Found<T>> {
  try {
    return await detect();
  } catch (e) {
    return { version: null, reason: printableLine(isGhcrBlobError(e) ? e.message : String(e)) };
  }
}

/** cosign built by Debian says `GitVersion: devel`; the generation is what ghcr-blob goes by. */
async function cosignVersion(path: string, deps: Deps): Promise<string> {
  const out = await deps.run({ file: path, args: ['version'], bounded: true });
  return /GitVersion:\s*v?(\S+)/.exec(out.stdout + out.stderr)?.[1] ?? 'unknown';
}

export async function versionReport(version: string, deps: Deps): Promise<object> {
  const [oras, cosign] = await Promise.all([
    found(async () => {
      const tool = await findOras({}, deps);
      return { version: tool.version, generation: tool.generation, path: tool.path };
    }),
    found(async () => {
      const tool = await findCosign({}, deps);
      return { version: await cosignVersion(tool.path, deps), generation: tool.generation, path: tool.path };
    }),
  ]);
  return { schemaVersion: SCHEMA_VERSION, ghcrBlob: version, node: process.versions.node, oras, cosign };
}
