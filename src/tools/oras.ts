/**
 * The oras adapter: builds argv for the detected oras generation and parses its JSON output.
 * With credentials, oras talks to ghcr-blob's loopback fence (registry-fence.ts), which alone holds
 * the secret; oras gets `--username U --password-stdin` with a one-run key on stdin and an empty
 * private `--registry-config`, so nothing is read from or written to the user's docker config.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod';
import { GhcrBlobError } from '../core/errors.js';
import { privateTempDir, type TempDir } from '../core/fs.js';
import { basicAuthEncodings } from '../core/redact.js';
import { cachedDetection, type DetectionCache } from './detection-cache.js';
import type { Runner, RunRequest, RunResult } from './exec.js';
import { INSTALL_HINTS } from './locate.js';
import { orasFailure } from './oras-errors.js';
import { type Fence, startFence, type WarmUp } from './registry-fence.js';
import {
  attachOutputSchema,
  discoverOutputSchema,
  parseOrasJson,
  parseTagListing,
  pushOutputSchema,
  type ReferrerListing,
  referrerListingSchema,
} from './oras-output.js';
import type { Descriptor } from './oci.js';

/** Who we are at the registry. The secret reaches oras only on its stdin. */
export interface Credentials {
  username: string;
  secret: string;
  /** Where the secret came from; GITHUB_TOKEN sent anywhere but ghcr.io gets a warning. */
  from?: 'stdin' | 'GHCR_TOKEN' | 'GITHUB_TOKEN';
  /** The user name is ghcr-blob's placeholder (no -u, no GITHUB_ACTOR), not one the user chose. */
  placeholder?: boolean;
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

const orasDetectionSchema = z.object({
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  generation: z.enum(['1.2', '1.3']),
});

/** `oras version`, remembered per binary in `cache` (detection-cache.ts). */
export async function detectOras(path: string, run: Runner, cache?: DetectionCache): Promise<OrasTool> {
  const found = await cachedDetection(cache, 'oras version', path, orasDetectionSchema, async () => {
    const { version, generation } = await probeOras(path, run);
    return { version, generation };
  });
  return { path, ...found };
}

async function probeOras(path: string, run: Runner): Promise<OrasTool> {
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
  fetchManifest(reference: string, outputPath: string, maxBytes: number, signal?: AbortSignal): Promise<void>;
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
  /**
   * The tags of `repository` (`host/repo`), in the registry's order, every page oras follows.
   * Capped in size (what oras prints, MAX_TAG_LISTING_BYTES) and in total time (the step budget).
   */
  listTags(repository: string): Promise<string[]>;
  /** Stops oras once more than `maxBytes` arrived: the cap is on what is read, not what is claimed. */
  fetchBlob(reference: string, outputPath: string, maxBytes: number): Promise<void>;
  dispose(): Promise<void>;
}

/** What the credential fence needs beyond the credentials themselves (registry-fence.ts). */
export interface FenceSettings {
  /** --auth-host: a token service on another host the user vouches for. */
  authHost?: string;
  timeoutMs: number;
  /** A message for the person running ghcr-blob (stderr). */
  warn(message: string): void;
  /** The registry and repository the run is for: with credentials, the fence gets ready at once. */
  warmUp?: { host: string } & WarmUp;
}

/**
 * What oras may print for one referrer listing: about 2,000 referrers a MiB. A listing past it is
 * refused (exit 3) rather than parsed: nobody signs one blob tens of thousands of times.
 */
export const MAX_LISTING_BYTES = 8 * 1024 * 1024;

/**
 * What oras may print for one tag listing: at least 8,000 tags of the longest name (128), tens of
 * thousands of usual ones. Past it the listing is refused, not shown in part.
 */
export const MAX_TAG_LISTING_BYTES = 1024 * 1024;

const hostOf = (reference: string) => reference.slice(0, reference.indexOf('/'));

export async function openOras(
  tool: OrasTool,
  run: Runner,
  remote: Transport,
  credentials?: Credentials,
  settings: FenceSettings = { timeoutMs: 60_000, warn: () => {} },
): Promise<Oras> {
  let configDir: TempDir | undefined;
  let registryConfig: string | undefined;
  if (credentials) {
    configDir = await privateTempDir();
    registryConfig = join(configDir.path, 'config.json');
    await writeFile(registryConfig, '{}', { mode: 0o600 });
  }
  const remoteArgs = [
    ...(remote.plainHttp ? ['--plain-http'] : []),
    ...(remote.caFile ? ['--ca-file', remote.caFile] : []),
  ];

  // oras never holds the credential: it talks to the fence with a one-run key (see registry-fence.ts),
  // started for the first registry this session talks to; credentials are for that registry only.
  let fence: Promise<Fence> | undefined;
  let fencedHost: string | undefined;
  const fenceFor = async (host: string): Promise<Fence> => {
    if (!credentials || !registryConfig) throw new GhcrBlobError('INTERNAL', 'no credentials to fence');
    // Why exact: the credential was given for one registry; any other host is another party.
    if (fencedHost !== undefined && fencedHost !== host) {
      throw new GhcrBlobError('INTERNAL', `credentials were opened for ${fencedHost}, not ${host}`);
    }
    if (!fence) {
      fencedHost = host;
      if (credentials.from === 'GITHUB_TOKEN' && host !== 'ghcr.io') {
        settings.warn(
          `warning: sending GITHUB_TOKEN (taken from the environment) to ${host}, which is not ghcr.io; pass a token for ${host} with --password-stdin or GHCR_TOKEN`,
        );
      }
      fence = startFence({
        registryHost: host,
        plainHttp: remote.plainHttp,
        caFile: remote.caFile,
        username: credentials.username,
        secret: credentials.secret,
        authHost: settings.authHost,
        timeoutMs: settings.timeoutMs,
        ...(settings.warmUp?.host === host
          ? { warmUp: { repository: settings.warmUp.repository, access: settings.warmUp.access } }
          : {}),
      });
    }
    return fence;
  };
  // Started now rather than at oras's first request; a failure to start surfaces there.
  if (credentials && settings.warmUp) fenceFor(settings.warmUp.host).catch(() => {});

  // A registry may echo the Basic header it got; that spelling of the secret is removed too.
  const secrets = credentials
    ? [credentials.secret, ...basicAuthEncodings(credentials.username, credentials.secret)]
    : [];
  type Watch = Pick<
    RunRequest,
    'cwd' | 'watch' | 'maxBytes' | 'bounded' | 'metadataCapBytes' | 'stdoutLimit' | 'signal'
  >;
  // Positional arguments go last, after `--`, so a file named "-x" is never read as a flag.
  const invoke = async (action: string, flags: string[], positional: string[], w: Watch = {}): Promise<RunResult> => {
    const host = positional[0] === undefined ? '' : hostOf(positional[0]);
    const f = credentials ? await fenceFor(host) : undefined;
    const args = f ? [f.host + positional[0]!.slice(host.length), ...positional.slice(1)] : positional;
    const authArgs = f ? ['--username', f.username, '--password-stdin', '--registry-config', registryConfig!] : [];
    const keys = f ? [f.key, ...basicAuthEncodings(f.username, f.key)] : [];
    const out = await run({
      file: tool.path,
      args: [...flags, ...authArgs, ...remoteArgs, '--', ...args],
      stdin: f?.key,
      secrets: [...secrets, ...keys],
      step: `oras ${action} ${positional[0] ?? ''}`.trim(),
      ...w,
    });
    // What oras says names the fence; the person asked about the registry.
    const named = (text: string) => (f ? text.split(f.host).join(host) : text);
    const result = { ...out, stdout: named(out.stdout), stderr: named(out.stderr) };
    if (out.exitCode !== 0) throw f?.failure() ?? orasFailure(action, result.stderr, credentials);
    return result;
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
    async fetchManifest(reference, outputPath, maxBytes, signal) {
      await invoke('manifest fetch', ['manifest', 'fetch', '--output', outputPath], [reference], {
        watch: outputPath,
        maxBytes,
        metadataCapBytes: maxBytes,
        ...(signal ? { signal } : {}),
      });
    },
    async listTags(repository) {
      // The text form (one tag a line) is the same in 1.2 and 1.3; `--format json` is 1.3 only.
      const { data } = await invoke('repo tags', ['repo', 'tags'], [repository], {
        stdoutLimit: MAX_TAG_LISTING_BYTES,
        bounded: true,
      });
      return parseTagListing((data ?? Buffer.alloc(0)).toString('utf8'));
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
      // The listing is metadata too: capped in size (what oras prints) and in total time (the step budget).
      const { data } = await invoke(
        'discover',
        ['discover', '--format', 'json', ...depth, '--artifact-type', artifactType],
        [subject],
        { stdoutLimit: MAX_LISTING_BYTES, bounded: true },
      );
      return parseOrasJson(discoverOutputSchema, 'discover', (data ?? Buffer.alloc(0)).toString('utf8'));
    },
    async listReferrers(subject, signal) {
      const depth = tool.generation === '1.2' ? [] : ['--depth', '1'];
      // Capped like discover: in size (what oras prints) and in total time (the step budget).
      const { data } = await invoke('discover', ['discover', '--format', 'json', ...depth], [subject], {
        stdoutLimit: MAX_LISTING_BYTES,
        bounded: true,
        ...(signal ? { signal } : {}),
      });
      return parseOrasJson(referrerListingSchema, 'discover', (data ?? Buffer.alloc(0)).toString('utf8'));
    },
    async fetchBlob(reference, outputPath, maxBytes) {
      // Through stdout, so the cap is exact: the child is stopped the moment it is passed.
      const { data } = await invoke('blob fetch', ['blob', 'fetch', '--output', '-'], [reference], {
        stdoutLimit: maxBytes,
        metadataCapBytes: maxBytes,
      });
      await writeFile(outputPath, data ?? Buffer.alloc(0), { mode: 0o600 });
    },
    dispose: async () => {
      await (await fence?.catch(() => undefined))?.close();
      await configDir?.dispose();
    },
  };
}
