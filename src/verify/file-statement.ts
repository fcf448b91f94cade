/**
 * ghcr-blob's own in-toto statement (what `push --sign` and `sign REF` sign): the subject is the
 * file (its title and sha256), and the predicate names the repository the file is stored in,
 * exactly as ghcr-blob resolved it (`ghcr.io/octo/tools/report.json`), and the file's title. A
 * message signature binds bytes only; this binds the name too, so a bundle copied to another
 * repository's artifact no longer speaks for it. README "Signatures name their repository".
 */
import * as z from 'zod';
import { verificationError } from '../core/errors.js';
import { checkUntrustedJson } from '../core/json-input.js';
import type { Statement } from './statement.js';

/** The predicate type ghcr-blob defines (a name, not a page to fetch); documented in README. */
export const FILE_PREDICATE_TYPE = 'https://ghcr-blob.dev/file/v1';

/** What the predicate names. `title` is absent when the artifact has none (a Helm chart, a Flux artifact). */
export interface FileName {
  repository: string;
  title?: string;
}

const filePredicateSchema = z.looseObject({
  repository: z.string().min(1).max(1024),
  title: z.string().min(1).max(255).optional(),
});

/** The predicate ghcr-blob signs for `repository` (and the file's title, when it has one). */
export const filePredicate = (name: FileName): FileName => ({
  repository: name.repository,
  ...(name.title ? { title: name.title } : {}),
});

/** Reads the name a ghcr-blob statement signs (unverified until its envelope is). */
export function parseFilePredicate(statement: Statement): FileName {
  if (statement.predicateType !== FILE_PREDICATE_TYPE)
    throw verificationError(`not a ghcr-blob file statement (predicate type ${FILE_PREDICATE_TYPE})`);
  const p = checkUntrustedJson(statement.predicate, filePredicateSchema, {
    source: "the statement's predicate",
    what: `a ${FILE_PREDICATE_TYPE} predicate ({repository, title})`,
    code: 'VERIFICATION_FAILED',
  });
  return filePredicate(p);
}
