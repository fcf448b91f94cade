// Run after every `npm install` that changes npm-shrinkwrap.json:
//   node scripts/lock-all-platforms.mjs
//
// Why: `npm ci` refuses a lock that lacks any optional dependency, including other platforms'
// native builds (rollup's and biome's @scope/<os>-<cpu>[-<libc>] packages), which it would skip
// anyway. npm records them only when the registry it talks to has them; a registry mirror that
// lacks those versions leaves them out and `npm ci` then calls the lock out of sync. This adds the
// missing ones at the exact pinned version with os/cpu/libc taken from the package name, so npm
// skips them everywhere but on their own platform. npm records their integrity the next time the
// lock is regenerated against a registry that has them.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../npm-shrinkwrap.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'win32', 'sunos', 'aix', 'netbsd'];
const CPU = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el', 'wasm32'];

/** `@rollup/rollup-linux-arm-musleabihf` → { os: linux, cpu: arm, libc: musl }; undefined if not a platform name. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const osAt = parts.findIndex((p) => OS.includes(p));
  if (osAt < 0 || !CPU.includes(parts[osAt + 1])) return undefined;
  const os = parts[osAt];
  const rest = parts.slice(osAt + 2).join('-');
  const platform = { os: [os], cpu: [parts[osAt + 1]] };
  if (os === 'linux') platform.libc = [rest.startsWith('musl') ? 'musl' : 'glibc'];
  return platform;
}

let added = 0;
for (const [path, entry] of Object.entries({ ...packages })) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `${path ? `${path}/` : ''}node_modules/${name}`;
    if (packages[where] || packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (!platform)
      throw new Error(`${name}@${version} (optional dependency of ${path}) is missing and not a platform build`);
    packages[`node_modules/${name}`] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added++;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b, 'en')));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-all-platforms: added ${added} platform build(s) to npm-shrinkwrap.json`);
