// A real CNCF distribution registry (docker-registry 2.8) on loopback, with htpasswd auth, for
// end-to-end tests. One per test file or test; it starts in ~50 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { httpCall } from './http.js';
import { onProcessDeath } from './on-death.js';
import { makeTestPki } from './test-ca.js';
import { toolsFor, type Generation } from './tools.js';

export interface RegistryOptions {
  /** Serve HTTPS with a throwaway CA (host is then 127.0.0.1:PORT and caFile is set). */
  tls?: boolean;
  /** htpasswd users; default one user `ci-user` with a random password. The first is returned. */
  users?: Record<string, string>;
  /** Which docker-registry binary to run (both are distribution 2.8.3 today). */
  generation?: Generation;
  /**
   * The config's `auth` section in place of htpasswd (e.g. `{ token: {…} }`, see ghcr-like.ts):
   * then `users` are checked by whoever that section names, not by the registry.
   */
  auth?: Record<string, unknown>;
}

export interface Registry {
  /** What to give oras: `localhost:PORT` (plain HTTP, oras's localhost rule) or `127.0.0.1:PORT` (TLS). */
  host: string;
  /** Base URL for direct HTTP API calls; always 127.0.0.1 so Node never tries ::1 first. */
  url: string;
  /** PEM file of the CA that signed the registry's certificate (TLS only), for `--ca-file`. */
  caFile?: string;
  username: string;
  password: string;
  users: Record<string, string>;
  /** Registry storage root (inside the temp dir that stop() removes). */
  dataDir: string;
  /** The registry's own log (stdout+stderr), for debugging a failing test. */
  logFile: string;
  stop(): Promise<void>;
}

function randomSecret(): string {
  return randomBytes(18).toString('base64url');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function readLog(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8');
  } catch {
    return '';
  }
}

/**
 * `127.0.0.1:0` avoids a free-port race; the chosen port is only visible in the info log, so the log
 * file is watched (each write is an event) until it names the port, the registry exits, or the deadline.
 */
function waitForPort(child: ChildProcess, logFile: string, deadline: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const watcher = watch(logFile);
    const timer = setTimeout(() => check(true), Math.max(0, deadline - Date.now()));
    const onExit = () => check();
    const finish = (result: number | Error): void => {
      clearTimeout(timer);
      watcher.close();
      child.off('exit', onExit);
      if (typeof result === 'number') resolve(result);
      else reject(result);
    };
    const check = (timedOut = false): void => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(readLog(logFile));
      if (m?.[1]) return finish(Number(m[1]));
      if (child.exitCode !== null || child.signalCode !== null)
        return finish(
          new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}):\n${readLog(logFile)}`),
        );
      if (timedOut) finish(new Error(`docker-registry did not report its port:\n${readLog(logFile)}`));
    };
    watcher.on('change', () => check());
    watcher.on('error', (e) => finish(e));
    child.on('exit', onExit);
    check();
  });
}

/** Ready = the API answers and demands credentials (401), which also proves auth is on. */
async function waitForAuthChallenge(
  url: string,
  ca: string | undefined,
  logFile: string,
  deadline: number,
): Promise<void> {
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await httpCall(`${url}/v2/`, { ca, timeoutMs: 2_000 });
      if (res.status === 401) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String(err);
    }
    await sleep(10);
  }
  throw new Error(`registry at ${url} not ready (${last}):\n${readLog(logFile)}`);
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<Registry> {
  const tools = toolsFor(opts.generation ?? 'trixie');
  const users = opts.users ?? { 'ci-user': randomSecret() };
  const [first] = Object.entries(users);
  if (!first) throw new Error('startRegistry: users must not be empty');

  const dir = mkdtempSync(join(tmpdir(), 'ghcr-blob-registry-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const htpasswd = join(dir, 'htpasswd');
  // Cost 4 (the minimum): the registry checks the hash on every request; cost 10 adds ~50 ms each.
  writeFileSync(
    htpasswd,
    Object.entries(users)
      .map(([u, p]) => `${u}:${bcrypt.hashSync(p, 4)}\n`)
      .join(''),
  );

  let caFile: string | undefined;
  let ca: string | undefined;
  let tls: { certificate: string; key: string } | undefined;
  if (opts.tls) {
    const pki = await makeTestPki();
    ca = pki.caCert;
    caFile = join(dir, 'ca.pem');
    tls = { certificate: join(dir, 'server.pem'), key: join(dir, 'server-key.pem') };
    writeFileSync(caFile, pki.caCert);
    writeFileSync(tls.certificate, pki.serverCert);
    writeFileSync(tls.key, pki.serverKey, { mode: 0o600 });
  }

  // JSON is valid YAML, and quoting every path correctly is then not our problem.
  const config = {
    version: 0.1,
    log: { level: 'info', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: dataDir },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: '127.0.0.1:0', secret: randomSecret(), ...(tls ? { tls } : {}) },
    auth: opts.auth ?? { htpasswd: { realm: 'ghcr-blob-test', path: htpasswd } },
  };
  const configFile = join(dir, 'config.yml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  // Log to a file, not a pipe: nobody has to drain it, so a busy test can never stall the registry.
  const logFile = join(dir, 'registry.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn(tools.registry, ['serve', configFile], { cwd: dir, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  child.unref();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  if (child.pid === undefined) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not spawn ${tools.registry}: ${spawnError ?? 'no pid'}`);
  }
  // If this test process dies without stop() (killed worker, timeout), kill the registry anyway.
  const deathHook = onProcessDeath('kill -KILL "$1" 2>/dev/null; sleep 0.2; rm -rf "$2"', [String(child.pid), dir]);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      // Disarm first, while the registry pid is still ours (no pid-reuse window for its kill).
      deathHook.cancel();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })());

  try {
    // Generous: on a crowded 2-core machine a Go binary's start can take seconds.
    const deadline = Date.now() + 45_000;
    const port = await waitForPort(child, logFile, deadline);
    const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    await waitForAuthChallenge(url, ca, logFile, deadline);
    const [username, password] = first;
    return {
      host: tls ? `127.0.0.1:${port}` : `localhost:${port}`,
      url,
      ...(caFile ? { caFile } : {}),
      username,
      password,
      users,
      dataDir,
      logFile,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface DownRegistry {
  host: string;
  url: string;
}

/**
 * A loopback host:port where nothing listens: the port was just handed out by the kernel and
 * released, so connecting gets "connection refused" (not a timeout) in tests of a registry outage.
 */
export async function registryDown(): Promise<DownRegistry> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (!address || typeof address === 'string') throw new Error('registryDown: no port');
  return { host: `localhost:${address.port}`, url: `http://127.0.0.1:${address.port}` };
}
