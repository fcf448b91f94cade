/**
 * OCI references: `host[:port]/path[:tag][@digest]`, following the distribution reference
 * grammar. Parsed once, up front, so a malformed reference never reaches oras.
 */
import * as z from 'zod';
import { SHA256_DIGEST } from './digest.js';
import { usageError } from './errors.js';
import { printableLine } from './printable.js';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST =
  /^(?:localhost|(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*))(?::[0-9]{1,5})?$/;
/** A tag, as the distribution grammar spells it. */
export const TAG = /^[\w][\w.-]{0,127}$/;

/**
 * --expect-digest: the file's sha256, as `sha256sum` prints it (bare hex) or as OCI spells it
 * (`sha256:<hex>`); either way it becomes `sha256:<hex>`.
 */
export const expectDigestSchema = z
  .string()
  .transform((v) => (/^[a-f0-9]{64}$/.test(v) ? `sha256:${v}` : v))
  .pipe(
    z.string().regex(SHA256_DIGEST, "must be the file's sha256: 64 lower-case hex digits, optionally after sha256:"),
  )
  .optional();

export interface Reference {
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const EXAMPLE = 'ghcr.io/OWNER/NAME:TAG or ghcr.io/OWNER/NAME@sha256:<64 hex>';

/**
 * `user:password@host/…` puts a credential in argv and shell history; refuse it without
 * repeating any of it (the reference itself is the secret's carrier here).
 */
function refuseUserInfo(input: string): void {
  const firstSlash = input.indexOf('/');
  if (input.slice(0, firstSlash < 0 ? input.length : firstSlash).includes('@')) {
    throw usageError(
      'invalid reference: it carries a user name or password before the registry host (user:password@host); not repeated here',
      'drop the user info; give the user with --username and the token with --password-stdin or GHCR_TOKEN',
    );
  }
}

export function parseReference(input: string): Reference {
  refuseUserInfo(input);
  const bad = (why: string) => usageError(printableLine(`invalid reference "${input}": ${why}`, 600), `use ${EXAMPLE}`);
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!SHA256_DIGEST.test(digest)) throw bad('digest must be sha256: followed by 64 lower-case hex digits');
  }
  const slash = rest.indexOf('/');
  if (slash < 0) throw bad('it needs a registry host and a repository');
  const host = rest.slice(0, slash);
  checkHost(host, bad);
  let path = rest.slice(slash + 1);
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag))
      throw bad(
        `tag "${tag}" may hold only letters, digits, '_', '.', '-' (at most 128, not starting with '.' or '-')`,
      );
  }
  checkPath(path, bad);
  if (!tag && !digest) throw bad('it needs a tag (:v1) or a digest (@sha256:…)');
  return { host, repository: path, tag, digest };
}

function checkHost(host: string, bad: (why: string) => Error): void {
  // A first component without '.' or ':' (and not localhost) is a Docker Hub path, not a host:
  // refuse it rather than guess where the user meant to send their token.
  if (!HOST.test(host) || !(host.includes('.') || host.includes(':') || host === 'localhost')) {
    throw bad(`"${host}" is not a registry host`);
  }
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw bad(`port ${port} is not 1 to 65535`);
}

function checkPath(path: string, bad: (why: string) => Error): void {
  if (path.length === 0 || path.length > 255) throw bad('repository name must be 1 to 255 characters');
  for (const component of path.split('/')) {
    if (!COMPONENT.test(component)) {
      throw bad(
        `repository component "${component}" must be lower-case letters and digits, separated by '.', '_', '__' or '-'`,
      );
    }
  }
}

/**
 * A repository alone (`ls`): `host/path`, no tag and no digest. User info before the host is
 * refused without repeating it, as for a reference.
 */
export function parseRepository(input: string): Reference {
  refuseUserInfo(input);
  const firstSlash = input.indexOf('/');
  const bad = (why: string) =>
    usageError(printableLine(`invalid repository "${input}": ${why}`, 600), 'use ghcr.io/OWNER/NAME');
  if (input.includes('@')) throw bad('a repository has no digest; drop the @sha256:…');
  if (firstSlash < 0) throw bad('it needs a registry host and a repository');
  const host = input.slice(0, firstSlash);
  checkHost(host, bad);
  const path = input.slice(firstSlash + 1);
  if (path.includes(':')) throw bad('a repository has no tag; drop the :TAG');
  checkPath(path, bad);
  return { host, repository: path };
}

/**
 * For `sign`/`verify`, which take a local file or a reference, once no file by that name exists:
 * a name that is not a reference either (`nothere.bin`) was meant as a file, and is called missing.
 * Anything with an `@` keeps the reference's own error: it may carry user info (a secret) that
 * must not be repeated.
 */
export function referenceOrMissingFile(target: string, recommendation: string): Reference {
  try {
    return parseReference(target);
  } catch (e) {
    if (target.includes('@')) throw e;
    throw usageError(printableLine(`${target}: no such file, and not a registry reference`, 600), recommendation, e);
  }
}

export const repositoryOf = (ref: Reference): string => `${ref.host}/${ref.repository}`;

export function formatReference(ref: Reference): string {
  return `${repositoryOf(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The same repository, pinned to a digest: what every step after resolution works with. */
export const pinned = (ref: Reference, digest: string): string => `${repositoryOf(ref)}@${digest}`;
