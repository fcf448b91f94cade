/**
 * The statement half of signing (push --sign, sign REF): the predicate that names the repository
 * and title is written for cosign, and what cosign signed is checked before the bundle is used: a
 * DSSE envelope holding ghcr-blob's statement about exactly these bytes and exactly this name.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../core/digest.js';
import { GhcrBlobError } from '../core/errors.js';
import type { StatementRequest } from '../tools/cosign.js';
import {
  type DsseBundle,
  FILE_PREDICATE_TYPE,
  type FileName,
  filePredicate,
  isDsseBundle,
  parseBundle,
  parseFilePredicate,
  parseStatement,
} from '../verify/index.js';

/** Hashes the file (cosign never reads it) and writes the predicate into `dir`. */
export async function statementRequest(file: string, names: FileName, dir: string): Promise<StatementRequest> {
  const predicatePath = join(dir, 'predicate.json');
  await writeFile(predicatePath, JSON.stringify(filePredicate(names)), { mode: 0o600 });
  const sha256 = (await sha256File(file)).toString('hex');
  // cosign names the subject by the last path component it is given; an untitled artifact
  // (a Helm chart) is named by the last component of its repository.
  const subjectName = names.title || names.repository.slice(names.repository.lastIndexOf('/') + 1);
  return { sha256, subjectName, predicatePath, predicateType: FILE_PREDICATE_TYPE };
}

/**
 * The post-sign self-check: the bundle cosign wrote holds ghcr-blob's statement, whose subject
 * is the file's sha256 and whose predicate names exactly what was asked for.
 */
export function checkStatementBundle(
  text: string,
  sha256: string,
  names: FileName,
): { bundle: DsseBundle; sha256: string } {
  const bundle = parseBundle(text, 'the bundle cosign wrote');
  const wrong = (what: string) =>
    new GhcrBlobError('INTERNAL', `cosign attest-blob signed something else: ${what}`, {
      recommendation: 'no signature was attached; report this with the cosign version',
    });
  if (!isDsseBundle(bundle)) throw wrong('the bundle holds no DSSE envelope');
  const statement = parseStatement(bundle.content.dsseEnvelope);
  const signed = parseFilePredicate(statement);
  // Why exact: the statement must be about these bytes under this name, nothing near it.
  if (!statement.subjects.some((s) => s.digests.sha256 === sha256)) throw wrong(`its subject is not sha256:${sha256}`);
  if (signed.repository !== names.repository || (signed.title ?? '') !== (names.title ?? ''))
    throw wrong(`it names ${signed.repository} ${signed.title ?? ''}, not ${names.repository} ${names.title ?? ''}`);
  return { bundle, sha256 };
}
