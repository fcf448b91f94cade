/**
 * The oras adapter: builds argv for the detected oras generation and parses its JSON output.
 * Credentials go as `--username U --password-stdin` with the secret on stdin, and an empty
 * private `--registry-config`, so nothing is read from or written to the user's docker config.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GhcrBlobError } from '../core/errors.js';
import { privateTempDir, type TempDir } from '../core/fs.js';
import { basicAuthEncodings } from '../core/redact.js';
import type { Runner, RunRequest, RunResult } from './exec.js';
import { INSTALL_HINTS } from './locate.js';
import { orasFailure } from './oras-errors.js';
import {
  attachOutputSchema,
  discoverOutputSchema,
  parseOrasJson,
  pushOutputSchema,
  type ReferrerListing,
  referrerListingSchema,
} from './oras-output.js';
import type { Descriptor } from './oci.js';

/** Who we are at the registry. The secret reaches oras only on its stdin. */
export interface Credentials {
  username: string;
  secret: string;
}

/** How to reach the registry beyond its name: plain HTTP, or a private CA (absolute path). */
export interface Transport {
  plainHttp: boolean;
  caFile?: string;
}

export interface OrasTool {
  path: string;
  version: string;
  /** 1.2 and 1.3+ differ in flags and JSON shapes. */
  generation: '1.2' | '1.3';
}

export async function detectOras(path: string, run: Runner): Promise<OrasTool> {
  const out = await run({ file: path, args: ['version'] });
  const m = /Version:\s*v?(\d+)\.(\d+)\.(\d+)/.exec(out.stdout);
  if (out.exitCode !== 0 || !m) {
    throw new GhcrBlobError('TOOL_MISSING', `${path} does not look like oras (\`oras version\` failed)`, {
      recommendation: INSTALL_HINTS.oras,
    });
  }
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const version = `${m[1]}.${m[2]}.${m[3]}`;
  if (major < 1 || (major === 1 && minor < 2)) {
    throw new GhcrBlobError('TOOL_MISSING', `oras ${version} is too old (need 1.2 or later)`, {
      recommendation: INSTALL_HINTS.oras,
    });
  }
  return { path, version, generation: major === 1 && minor === 2 ? '1.2' : '1.3' };
}

export interface PushRequest {
  cwd: string;
  /** `host/repo:tag`, or `host/repo` alone to push by digest without moving any tag. */
  reference: string;
  /** `basename:mediaType`, relative to cwd (oras titles the layer with the path as given). */
  fileArg: string;
  artifactType?: string;
  annotations: readonly string[];
}

export interface Oras {
  tool: OrasTool;
  push(req: PushRequest): Promise<Descriptor>;
  /** Points `tag` at `pinnedReference` (`host/repo@sha256:…`) in one step. */
  tag(pinnedReference: string, tag: string): Promise<void>;
  /**
   * Writes the manifest's exact bytes to `outputPath` (digests are computed over bytes); more
   * than `maxBytes` arriving stops oras (VERIFICATION_FAILED).
   */
  fetchManifest(reference: string, outputPath: string, maxBytes: number): Promise<void>;
  /**
   * Downloads one blob by digest (`host/repo@sha256:…`) into `outputPath`. oras checks the bytes
   * against the digest in the reference while downloading and fails (exit 1) on a mismatch; more
   * than `maxBytes` arriving stops it; `signal` stops it. What it wrote stays for the caller.
   */
  fetchLayer(reference: string, outputPath: string, maxBytes: number, signal?: AbortSignal): Promise<void>;
  attach(subject: string, cwd: string, fileArg: string, artifactType: string): Promise<Descriptor>;
  /** Bounded: a listing that never ends (a page linking to itself) is stopped at the step budget. */
  discover(subject: string, artifactType: string): Promise<Descriptor[]>;
  /**
   * Every referrer of `subject` (a tag or a digest) in one listing, with the digest the subject
   * resolved to when oras names it (1.3). Bounded like discover; `signal` stops it.
   */
  listReferrers(subject: string, signal?: AbortSignal): Promise<ReferrerListing>;
  /** Stops oras once more than `maxBytes` arrived: the cap is on what is read, not what is claimed. */
  fetchBlob(reference: string, outputPath: string, maxBytes: number): Promise<void>;
  dispose(): Promise<void>;
}

export async function openOras(
  tool: OrasTool,
  run: Runner,
  remote: Transport,
  credentials?: Credentials,
): Promise<Oras> {
  let configDir: TempDir | undefined;
  const authArgs: string[] = [];
  if (credentials) {
    configDir = await privateTempDir();
    const registryConfig = join(configDir.path, 'config.json');
    await writeFile(registryConfig, '{}', { mode: 0o600 });
    authArgs.push('--username', credentials.username, '--password-stdin', '--registry-config', registryConfig);
  }
  const remoteArgs = [
    ...(remote.plainHttp ? ['--plain-http'] : []),
    ...(remote.caFile ? ['--ca-file', remote.caFile] : []),
  ];

  // A registry may echo the Basic header it got; that spelling of the secret is removed too.
  const secrets = credentials
    ? [credentials.secret, ...basicAuthEncodings(credentials.username, credentials.secret)]
    : [];
  type Watch = Pick<RunRequest, 'cwd' | 'watch' | 'maxBytes' | 'bounded' | 'stdoutLimit' | 'signal'>;
  // Positional arguments go last, after `--`, so a file named "-x" is never read as a flag.
  const invoke = async (action: string, flags: string[], positional: string[], w: Watch = {}): Promise<RunResult> => {
    const out = await run({
      file: tool.path,
      args: [...flags, ...authArgs, ...remoteArgs, '--', ...positional],
      stdin: credentials?.secret,
      secrets,
      step: `oras ${action} ${positional[0] ?? ''}`.trim(),
      ...w,
    });
    if (out.exitCode !== 0) throw orasFailure(action, out.stderr);
    return out;
  };

  return {
    tool,
    async push(req) {
      const flags = ['push', '--format', 'json', ...(req.artifactType ? ['--artifact-type', req.artifactType] : [])];
      for (const a of req.annotations) flags.push('--annotation', a);
      const { stdout: out } = await invoke('push', flags, [req.reference, req.fileArg], { cwd: req.cwd });
      return parseOrasJson(pushOutputSchema, 'push', out);
    },
    async tag(pinnedReference, tag) {
      await invoke('tag', ['tag'], [pinnedReference, tag]);
    },
    async fetchManifest(reference, outputPath, maxBytes) {
      await invoke('manifest fetch', ['manifest', 'fetch', '--output', outputPath], [reference], {
        watch: outputPath,
        maxBytes,
      });
    },
    async fetchLayer(reference, outputPath, maxBytes, signal) {
      // Watching the file's folder: bytes landing there are progress, and are capped.
      await invoke('blob fetch', ['blob', 'fetch', '--output', outputPath], [reference], {
        watch: dirname(outputPath),
        maxBytes,
        ...(signal ? { signal } : {}),
      });
    },
    async attach(subject, cwd, fileArg, artifactType) {
      const { stdout: out } = await invoke(
        'attach',
        ['attach', '--format', 'json', '--artifact-type', artifactType],
        [subject, fileArg],
        { cwd },
      );
      return parseOrasJson(attachOutputSchema, 'attach', out);
    },
    async discover(subject, artifactType) {
      // 1.3 lists referrers of referrers unless told otherwise; `--depth` does not exist in 1.2.
      const depth = tool.generation === '1.2' ? [] : ['--depth', '1'];
      const { stdout: out } = await invoke(
        'discover',
        ['discover', '--format', 'json', ...depth, '--artifact-type', artifactType],
        [subject],
        { bounded: true },
      );
      return parseOrasJson(discoverOutputSchema, 'discover', out);
    },
    async listReferrers(subject, signal) {
      const depth = tool.generation === '1.2' ? [] : ['--depth', '1'];
      const { stdout: out } = await invoke('discover', ['discover', '--format', 'json', ...depth], [subject], {
        bounded: true,
        ...(signal ? { signal } : {}),
      });
      return parseOrasJson(referrerListingSchema, 'discover', out);
    },
    async fetchBlob(reference, outputPath, maxBytes) {
      // Through stdout, so the cap is exact: the child is stopped the moment it is passed.
      const { data } = await invoke('blob fetch', ['blob', 'fetch', '--output', '-'], [reference], {
        stdoutLimit: maxBytes,
      });
      await writeFile(outputPath, data ?? Buffer.alloc(0), { mode: 0o600 });
    },
    dispose: async () => configDir?.dispose(),
  };
}
