/**
 * Name binding: whether the evidence names the repository (and file title) the bytes came from.
 * A digest binds bytes, not a name: the same signed bytes pushed under another repository carry
 * their genuine signature with them. Evidence that signs a name (ghcr-blob's own statement, a
 * cosign `.sig` payload's docker-reference, a statement subject named like a repository) must
 * name exactly the repository being pulled; evidence that names none is accepted by the identity
 * policy alone, and the result says "not bound to a repository name".
 */
import { verificationError } from '../../core/errors.js';
import { printableLine } from '../../core/printable.js';
import type { Target } from './kind.js';

export const NOT_BOUND = 'not bound to a repository name';
export const NOT_CHECKED = 'names a repository, not checked: no repository to compare with (verify FILE --repository)';

export type NameBinding =
  /** The signed name is the repository (and title) the file came from. */
  | { bound: true; repository: string; title?: string }
  /** The evidence names no repository. */
  | { bound: false; note: typeof NOT_BOUND }
  /** A local file checked without --repository: the signed name is shown, not compared. */
  | { bound: false; repository: string; title?: string; note: typeof NOT_CHECKED };

/** A name the evidence signs, and what the evidence calls it (for the message). */
export interface SignedName {
  repository: string;
  /** undefined: the evidence names no title (a `.sig` payload); '' never: absent instead. */
  title?: string;
  /** Whether the evidence signs a title at all (ghcr-blob's statement does, even when absent). */
  namesTitle: boolean;
}

const notBound: NameBinding = { bound: false, note: NOT_BOUND };

/**
 * Compares a signed name with the target's repository and title. A mismatch is a verification
 * failure that shows both names.
 */
export function bindName(signed: SignedName | undefined, target: Pick<Target, 'repository' | 'title'>): NameBinding {
  if (!signed) return notBound;
  const shown = { repository: signed.repository, ...(signed.title ? { title: signed.title } : {}) };
  if (target.repository === undefined) return { bound: false, ...shown, note: NOT_CHECKED };
  // Why exact: a repository is the name people pull by; `…/report.json-evil`, another host, another
  // case or a trailing slash is another repository (or none), and prefix or case-folded matching
  // would let a bundle for one file speak for a file stored under a name that merely resembles it.
  if (signed.repository !== target.repository) {
    throw verificationError(
      `the signature names another repository: it signs ${printableLine(signed.repository, 300)}, not ${target.repository}`,
      [`signed repository:   ${printableLine(signed.repository, 300)}`, `pulled from:         ${target.repository}`],
    );
  }
  // Why exact: the title is the file's name as it lands; another title is another file.
  if (signed.namesTitle && target.title !== undefined && (signed.title ?? '') !== target.title) {
    throw verificationError(
      `the signature names another file title: it signs ${printableLine(JSON.stringify(signed.title ?? ''), 300)}, the artifact is titled ${JSON.stringify(target.title)}`,
      [
        `signed title:   ${printableLine(JSON.stringify(signed.title ?? ''), 300)}`,
        `artifact title: ${JSON.stringify(target.title)}`,
      ],
    );
  }
  return { bound: true, ...shown };
}

/** A registry host: `localhost` or dotted labels, with an optional port (as references are parsed). */
const REPOSITORY_LIKE = /^(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::[0-9]+)?\/\S+$/;

/**
 * A third party's statement subject name, when it reads as a repository (`ghcr.io/octo/app`, as
 * actions/attest names a pushed image). Other names (`report.json`, `pkg:npm/x@1`) name no
 * repository: the statement is then not bound.
 */
export function subjectRepository(name: string | undefined): SignedName | undefined {
  return name !== undefined && REPOSITORY_LIKE.test(name) ? { repository: name, namesTitle: false } : undefined;
}

/** The human words for a binding, for the final line people read. */
export function describeName(name: NameBinding): string {
  if (name.bound) return `names ${name.repository}${name.title ? ` (${name.title})` : ''}`;
  if ('repository' in name) return `names ${name.repository} (not checked: no --repository)`;
  return NOT_BOUND;
}
