import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRegularFile, moveIntoPlace, privateTempDir, removeLiveTempDirsSync } from '../../../src/core/fs.js';
import { ociDigest, sha256File } from '../../../src/core/digest.js';

const made: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'ghcr-blob-fs-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('moveIntoPlace', () => {
  it('never replaces an existing file without overwrite, and leaves both intact', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'new'), 'new');
    writeFileSync(join(dir, 'target'), 'old');
    await expect(moveIntoPlace(join(dir, 'new'), join(dir, 'target'), false)).rejects.toMatchObject({ code: 'USAGE' });
    expect(readFileSync(join(dir, 'target'), 'utf8')).toBe('old');
    expect(readFileSync(join(dir, 'new'), 'utf8')).toBe('new');
  });

  it('moves (no copy left behind), and replaces with overwrite', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a'), 'A');
    await moveIntoPlace(join(dir, 'a'), join(dir, 'b'), false);
    expect(readdirSync(dir)).toEqual(['b']);
    writeFileSync(join(dir, 'c'), 'C');
    await moveIntoPlace(join(dir, 'c'), join(dir, 'b'), true);
    expect(readdirSync(dir)).toEqual(['b']);
    expect(readFileSync(join(dir, 'b'), 'utf8')).toBe('C');
  });
});

describe('private temp folders', () => {
  it('are 0700 and removed by dispose or by the interrupt path', async () => {
    const dir = scratch();
    const a = await privateTempDir(dir);
    const b = await privateTempDir(dir);
    const { statSync } = await import('node:fs');
    expect(statSync(a.path).mode & 0o777).toBe(0o700);
    await a.dispose();
    expect(readdirSync(dir)).toEqual([b.path.slice(dir.length + 1)]);
    removeLiveTempDirsSync();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('report an unwritable parent as a usage error', async () => {
    const dir = scratch();
    chmodSync(dir, 0o500);
    const asRoot = process.getuid?.() === 0; // root ignores permissions; a missing parent still fails
    await expect(privateTempDir(asRoot ? join(dir, 'missing') : dir)).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/cannot write in/),
    });
  });
});

it('checkRegularFile and sha256File', async () => {
  const dir = scratch();
  writeFileSync(join(dir, 'f'), 'abc');
  expect(await checkRegularFile(join(dir, 'f'))).toBe(join(dir, 'f'));
  await expect(checkRegularFile(dir)).rejects.toMatchObject({
    code: 'USAGE',
    message: expect.stringMatching(/not a regular file/),
  });
  await expect(checkRegularFile(join(dir, 'nope'))).rejects.toMatchObject({
    code: 'USAGE',
    message: expect.stringMatching(/no such file/),
  });
  expect(ociDigest(await sha256File(join(dir, 'f')))).toBe(
    'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
});

describe('stale private folders', () => {
  it('a folder whose owner is gone is removed by the next run; a live or unrecorded one is kept', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdirSync, existsSync } = await import('node:fs');
    const { removeStaleTempDirs } = await import('../../../src/core/fs.js');
    const dir = scratch();
    // A PID that certainly ended: a child that already exited.
    const dead = spawnSync('true').pid!;
    mkdirSync(join(dir, '.ghcr-blob-dead'));
    writeFileSync(join(dir, '.ghcr-blob-dead', 'owner.pid'), `${dead} \n`);
    mkdirSync(join(dir, '.ghcr-blob-unrecorded')); // being created right now by someone
    mkdirSync(join(dir, '.ghcr-blob-mine'));
    writeFileSync(join(dir, '.ghcr-blob-mine', 'owner.pid'), `${process.pid} \n`);
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'owner.pid'), `${dead} \n`);
    const removed = await removeStaleTempDirs(dir);
    expect(removed).toEqual([join(dir, '.ghcr-blob-dead')]);
    expect(readdirSync(dir).sort()).toEqual(['.ghcr-blob-mine', '.ghcr-blob-unrecorded', 'other']);
    // privateTempDir sweeps its parent first, and stamps its own folder.
    const t = await privateTempDir(dir);
    expect(readFileSync(join(t.path, 'owner.pid'), 'utf8')).toMatch(
      new RegExp(`^${process.pid} \\d* pid:\\[\\d+\\] [0-9a-f-]{36}\\n$`),
    );
    await t.dispose();
    expect(existsSync(t.path)).toBe(false);
  });

  it('a record from another PID namespace is never taken for a dead process; one from another boot is', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdirSync, readlinkSync } = await import('node:fs');
    const { removeStaleTempDirs } = await import('../../../src/core/fs.js');
    const dir = scratch();
    const dead = spawnSync('true').pid!;
    const ns = readlinkSync('/proc/self/ns/pid');
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stamp = (name: string, record: string) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'owner.pid'), record);
    };
    // PID 1 with another start time would read as "reused PID, owner gone" if namespaces were ignored.
    stamp('.ghcr-blob-container', `1 12345 pid:[1] ${boot}\n`);
    stamp('.ghcr-blob-dead-here', `${dead} 1 ${ns} ${boot}\n`);
    stamp('.ghcr-blob-last-boot', `${process.pid} 1 ${ns} 00000000-0000-0000-0000-000000000000\n`);
    const removed = await removeStaleTempDirs(dir);
    expect(removed.sort()).toEqual([join(dir, '.ghcr-blob-dead-here'), join(dir, '.ghcr-blob-last-boot')]);
    expect(readdirSync(dir)).toEqual(['.ghcr-blob-container']);
  });
});

describe('output folders', () => {
  it('creates only what is missing and removes exactly that on discard', async () => {
    const { prepareOutputFolder } = await import('../../../src/core/fs.js');
    const dir = scratch();
    const out = await prepareOutputFolder(join(dir, 'a', 'b', 'c'));
    expect(out.created).toEqual([join(dir, 'a'), join(dir, 'a', 'b'), join(dir, 'a', 'b', 'c')]);
    await out.discard();
    expect(readdirSync(dir)).toEqual([]);
    const existing = await prepareOutputFolder(dir);
    expect(existing.created).toEqual([]);
  });

  it('refuses a dangling symlink, a file in the way and /proc paths as usage errors, without spinning', async () => {
    const { symlinkSync } = await import('node:fs');
    const { prepareOutputFolder } = await import('../../../src/core/fs.js');
    const dir = scratch();
    symlinkSync(join(dir, 'nowhere'), join(dir, 'link'));
    writeFileSync(join(dir, 'file'), 'x');
    await expect(prepareOutputFolder(join(dir, 'link'))).rejects.toMatchObject({ code: 'USAGE' });
    await expect(prepareOutputFolder(join(dir, 'link', 'sub'))).rejects.toMatchObject({ code: 'USAGE' });
    await expect(prepareOutputFolder(join(dir, 'file', 'sub'))).rejects.toMatchObject({ code: 'USAGE' });
    await expect(prepareOutputFolder('/proc/nope/deeper')).rejects.toMatchObject({ code: 'USAGE' });
    expect(readdirSync(dir).sort()).toEqual(['file', 'link']);
  });
});
