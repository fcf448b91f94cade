// "Nothing landed / nothing leaked" assertions over a directory tree (HOME, DOCKER_CONFIG, an
// output folder after a refused pull).
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every non-directory entry under `dir` (files, symlinks, FIFOs…), relative and sorted. */
export function listFilesRecursive(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Forms of `secret` worth searching for: the raw bytes, plus its base64 encoding at each of the
 * three byte alignments, because credential stores (docker config.json `auths`) keep
 * base64("user:secret") and the secret then starts mid-group. Edge characters that depend on
 * neighbouring bytes are trimmed; fragments too short to be meaningful are dropped.
 */
export function secretForms(secret: string): Buffer[] {
  const raw = Buffer.from(secret);
  const forms = [raw];
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), raw])
      .toString('base64')
      .replace(/=+$/, '');
    // Skip the groups touched by the padding bytes and the final, partial group.
    const start = pad === 0 ? 0 : 4;
    const end = b64.length - (b64.length % 4);
    const fragment = b64.slice(start, end);
    if (fragment.length >= 8) forms.push(Buffer.from(fragment));
  }
  return forms;
}

/** Paths (relative to `dir`) of files whose name or content holds `secret`, raw or base64. */
export function filesContainingString(dir: string, secret: string): string[] {
  const forms = secretForms(secret);
  return listFilesRecursive(dir).filter((rel) => {
    if (forms.some((f) => rel.includes(f.toString()))) return true;
    const full = join(dir, rel);
    if (!lstatSync(full).isFile()) return false;
    const bytes = readFileSync(full);
    return forms.some((f) => bytes.includes(f));
  });
}

export function dirContainsString(dir: string, secret: string): boolean {
  return filesContainingString(dir, secret).length > 0;
}
