// Where the real oras / cosign / docker-registry binaries live for each Debian generation.
// Tests run against both so a flag or output change between oras 1.2 and 1.3 shows up here,
// not in a user's CI.
import { accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Generation = 'trixie' | 'sid';

/** trixie = oras 1.2.0 / cosign 2.5; sid = oras 1.3.x / cosign 3.x (sid moves; never pin it). */
export const GENERATIONS: readonly Generation[] = ['trixie', 'sid'];

export interface Tools {
  oras: string;
  cosign: string;
  registry: string;
}

/** Repository root, found from this file so it does not depend on the test's cwd. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function toolsFor(gen: Generation): Tools {
  const bin = join(REPO_ROOT, '.tools', gen, 'bin');
  const tools: Tools = {
    oras: join(bin, 'oras'),
    cosign: join(bin, 'cosign'),
    registry: join(bin, 'docker-registry'),
  };
  for (const path of Object.values(tools)) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      throw new Error(`missing test tool ${path}: run \`npm run tools\` (scripts/install-tools.sh) first`);
    }
  }
  return tools;
}
