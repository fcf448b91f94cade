// Two (or eight) first requests through one registry fence at the same instant, the way
// `pull --verify` runs `oras discover` beside `oras manifest fetch`. A gate in front of the
// registry holds the first N requests until all N have arrived, so every one of them leaves the
// fence before it has learned how the registry wants credentials: each must still be answered
// with the credential, never a 401 handed back to oras, and the token service asked once per scope.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fence, startFence } from '../../src/tools/registry-fence.js';
import { type Gate, startGate } from '../support/gate.js';
import { type BearerFront, startBearerFront } from '../support/hostile/bearer-front.js';
import { sealedOras } from '../support/oras.js';
import { type Registry, startRegistry } from '../support/registry.js';

let registry: Registry;
let scratch: string;
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  scratch = mkdtempSync(join(tmpdir(), 'ghcr-blob-fence-race-'));
  // Something to fetch: pushed straight to the registry, not through any gate or fence.
  writeFileSync(join(scratch, 'hello.txt'), 'hello\n');
  const push = await sealedOras('trixie', scratch).run(
    ['push', `${registry.host}/o/r:v1`, 'hello.txt', '-u', registry.username, '--password-stdin'],
    { stdin: registry.password, cwd: scratch },
  );
  expect(push.exitCode, push.stderr).toBe(0);
});
afterAll(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
  await registry?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const fenceIn = async (registryHost: string, secret = registry.password): Promise<Fence> => {
  const fence = await startFence({
    registryHost,
    plainHttp: true,
    username: registry.username,
    secret,
    timeoutMs: 10_000,
  });
  opened.push(fence);
  return fence;
};
const gateOf = async (n: number, upstream?: string): Promise<Gate> => {
  const gate = await startGate(n, upstream ? { upstream } : {});
  opened.push(gate);
  return gate;
};
const keyOf = (fence: Fence) => `Basic ${Buffer.from(`${fence.username}:${fence.key}`).toString('base64')}`;
/** N first requests at once, each as oras sends it after the fence's own challenge: with the key. */
const together = (fence: Fence, paths: string[]) =>
  Promise.all(
    paths.map(async (path) => {
      const res = await fetch(`http://${fence.host}${path}`, {
        headers: { authorization: keyOf(fence), accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      await res.arrayBuffer();
      return res.status;
    }),
  );
const manifests = (n: number) =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? '/v2/o/r/manifests/v1' : '/v2/o/r/tags/list'));

describe('registry fence: concurrent first requests', () => {
  it('answers the Basic challenge for every one of 8 first requests (real docker-registry)', async () => {
    const gate = await gateOf(8, registry.url);
    const fence = await fenceIn(gate.host);
    const statuses = await together(fence, manifests(8));
    expect(statuses).toEqual(Array(8).fill(200));
    // All 8 left before the fence knew the scheme (the race happened), each was retried once with the credential.
    expect(gate.seen.slice(0, 8).every((s) => !s.authorized)).toBe(true);
    expect(gate.seen.length).toBe(16);
    expect(fence.failure()).toBeUndefined();
  });

  it('sends a wrong password once per racing request, never twice (evil case: a retry loop)', async () => {
    const gate = await gateOf(2, registry.url);
    const fence = await fenceIn(gate.host, 'not-the-password');
    expect(await together(fence, manifests(2))).toEqual([401, 401]);
    // Each went once without and once with the (wrong) credential: 4 requests, no more.
    expect(gate.seen.map((s) => s.authorized)).toEqual([false, false, true, true]);
  });

  it('asks a Bearer token service once per scope for 8 first requests, and answers each', async () => {
    const gate = await gateOf(8);
    const front: BearerFront = await startBearerFront(
      { url: registry.url, username: registry.username, password: registry.password },
      { realm: `http://localhost:${gate.port}/token` },
    );
    opened.push(front);
    gate.upstream = `http://${front.host}`;
    const fence = await fenceIn(gate.host);
    const statuses = await together(fence, Array(8).fill('/v2/o/r/manifests/v1'));
    expect(statuses).toEqual(Array(8).fill(200));
    expect(front.issued).toBe(1);
    // The token service got the real credential; nothing anywhere got the fence's key.
    expect(fence.failure()).toBeUndefined();
  });

  it('retries every first request when the Bearer challenge names no scope', async () => {
    const gate = await gateOf(2);
    const front: BearerFront = await startBearerFront(
      { url: registry.url, username: registry.username, password: registry.password },
      { realm: `http://localhost:${gate.port}/token`, noScope: true },
    );
    opened.push(front);
    gate.upstream = `http://${front.host}`;
    const fence = await fenceIn(gate.host);
    const statuses = await together(fence, ['/v2/o/r/manifests/v1', '/v2/o/r/tags/list']);
    expect(statuses).toEqual([200, 200]);
    expect(front.issued).toBe(1);
  });

  it('serves two real oras processes started at the same instant (manifest fetch beside discover)', async () => {
    const gate = await gateOf(2, registry.url);
    const fence = await fenceIn(gate.host);
    const run = (gen: 'trixie' | 'sid', args: string[]) =>
      sealedOras(gen, scratch).run([...args, '-u', fence.username, '--password-stdin'], {
        stdin: fence.key,
        cwd: scratch,
        timeoutMs: 60_000,
      });
    const [fetched, discovered] = await Promise.all([
      run('trixie', ['manifest', 'fetch', `${fence.host}/o/r:v1`]),
      run('sid', ['discover', `${fence.host}/o/r:v1`, '--format', 'json']),
    ]);
    expect(fetched.exitCode, fetched.stderr).toBe(0);
    expect(discovered.exitCode, discovered.stderr).toBe(0);
    expect(gate.seen.slice(0, 2).every((s) => !s.authorized)).toBe(true);
    expect(`${fetched.stderr}${discovered.stderr}`).not.toContain('401');
  });
});
