// Raw oras (no ghcr-blob in between) in a sealed environment: a temp HOME and DOCKER_CONFIG and an
// empty --registry-config, so nothing of the developer's own credentials is ever read. For tests
// that record what the real tool does against a registry or a hostile server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type Result } from 'execa';
import { toolsFor, type Generation } from './tools.js';

export interface OrasRunOptions {
  /** Bytes on stdin (the password with --password-stdin). */
  stdin?: string;
  cwd?: string;
  /** Kill oras after this long (SIGTERM); the result then has timedOut = true. Default 60 s. */
  timeoutMs?: number;
}

export interface OrasRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface SealedOras {
  gen: Generation;
  home: string;
  dockerConfig: string;
  run(args: string[], opts?: OrasRunOptions): Promise<OrasRun>;
}

export function sealedOras(gen: Generation, scratch: string): SealedOras {
  const { oras } = toolsFor(gen);
  const home = mkdtempSync(join(scratch, `oras-home-${gen}-`));
  const dockerConfig = mkdtempSync(join(scratch, `oras-docker-${gen}-`));
  const registryConfig = join(mkdtempSync(join(scratch, `oras-regcfg-${gen}-`)), 'config.json');
  writeFileSync(registryConfig, '{}'); // valid JSON: oras 1.2 reads it when no -u is given
  const run = async (args: string[], opts: OrasRunOptions = {}): Promise<OrasRun> => {
    const started = performance.now();
    const r: Result = await execa(oras, [...args, '--registry-config', registryConfig], {
      reject: false,
      extendEnv: false,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: dockerConfig },
      input: opts.stdin ?? '',
      cwd: opts.cwd ?? scratch,
      timeout: opts.timeoutMs ?? 60_000,
    });
    return {
      exitCode: r.exitCode ?? -1,
      stdout: String(r.stdout ?? ''),
      stderr: String(r.stderr ?? ''),
      timedOut: r.timedOut,
      ms: performance.now() - started,
    };
  };
  return { gen, home, dockerConfig, run };
}
