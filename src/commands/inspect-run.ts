/**
 * `inspect <ref>`: the resolved digest, the file the manifest names, and every signature and
 * attestation any source finds, as each states itself (UNVERIFIED); with --verify, each verified
 * on its own. Reads metadata only (manifests and signatures, each capped): the file is never
 * downloaded, and nothing is written outside a private folder that is removed.
 */
import { describeFile } from '../artifact/download.js';
import { verificationError } from '../core/errors.js';
import { privateTempDir, type TempDir } from '../core/fs.js';
import { printableLine } from '../core/printable.js';
import { formatReference, parseReference } from '../core/reference.js';
import { type InspectedSignature, inspectArtifact } from '../evidence/inspect-artifact.js';
import { describeSigners } from '../evidence/any-signer.js';
import { inspectOptionsSchema } from '../options/inspect.js';
import { parseOptions } from '../options/parse.js';
import { type PolicyOptions, refuseUnusedPolicy } from '../options/policy.js';
import type { Deps } from './deps.js';
import { connectRegistry, prepareVerificationAndConnect } from './prepare.js';

function signatureJson(s: InspectedSignature) {
  const d = s.described;
  const signer = d?.bundle.signer;
  return {
    source: s.source,
    digest: s.digest,
    layer: s.layer,
    evidence: d?.evidence,
    predicateType: d?.predicateType,
    subjects: d?.subjects,
    // Read from the bundle, not verified: anyone who can push can attach a bundle naming anyone.
    unverified: d && {
      identity: signer?.certificate ? signer.identity : undefined,
      issuer: signer?.certificate ? signer.issuer : undefined,
      keyHint: signer && !signer.certificate ? signer.keyHint : undefined,
      signedWithKey: signer ? !signer.certificate : undefined,
      integratedTime: d.bundle.integratedTime,
      signedTimestamps: d.bundle.signedTimestamps,
      rekorLogIndex: d.bundle.rekorLogIndex,
      ...(d.signedName ? { signedName: d.signedName } : {}),
    },
    unusable: s.unusable,
    verification: s.verdict,
  };
}

export type InspectResult = Awaited<ReturnType<typeof runInspect>>;

export async function runInspect(refArg: string, raw: unknown, deps: Deps) {
  const opts = parseOptions(inspectOptionsSchema, raw);
  if (!opts.verify) refuseUnusedPolicy(raw as Partial<PolicyOptions>, '--verify');
  const ref = parseReference(refArg);
  // The policy, cosign and the trust material are settled before anything is read.
  const { check, oras } = opts.verify
    ? await prepareVerificationAndConnect(opts, deps, ref)
    : { check: undefined, oras: await connectRegistry(opts, deps, { ref, access: 'pull' }) };
  let work: TempDir | undefined;
  try {
    work = await privateTempDir();
    const ctx = { oras, workDir: work.path, log: deps.log, run: deps.run };
    const { blob, signatures, notExamined } = await inspectArtifact(ctx, ref, check);
    return {
      schemaVersion: 1 as const,
      reference: formatReference(ref),
      digest: blob.digest,
      pinnedReference: blob.pinnedReference,
      file: describeFile(blob),
      signatures: signatures.map(signatureJson),
      notExamined,
      ...(check
        ? { policy: describeSigners(check.signers), verified: signatures.some((s) => s.verdict?.status === 'passed') }
        : {}),
    };
  } finally {
    await work?.dispose();
    await oras.dispose();
  }
}

/** With --verify: exit 0 when at least one signature passed, VERIFICATION_FAILED (3) when none did. */
export function requirePassing(result: InspectResult): void {
  if (result.verified !== false) return;
  const n = result.signatures.length;
  throw verificationError(
    n === 0
      ? `no signature is attached to ${result.pinnedReference}`
      : `none of the ${n} signature${n === 1 ? '' : 's'} attached to ${result.pinnedReference} passes the policy (${result.policy})`,
  );
}

const p = (text: string | undefined) => (text === undefined ? '?' : printableLine(text, 200));

function signatureLines(s: ReturnType<typeof signatureJson>, i: number): string[] {
  const where = `${s.source} ${s.digest}${s.layer !== undefined ? ` layer ${s.layer}` : ''}`;
  const lines = [`  ${i + 1}. ${s.evidence ?? 'unusable'}  (${where})`];
  const row = (label: string, value: string) => lines.push(`     ${label.padEnd(24)}${value}`);
  if (s.unusable !== undefined) row('unusable', p(s.unusable));
  const u = s.unverified;
  if (u) {
    if (u.signedWithKey) row('signed with a key', u.keyHint ? `hint ${p(u.keyHint)} (UNVERIFIED)` : 'no hint');
    else row('signer (UNVERIFIED)', `${p(u.identity)}  issuer ${p(u.issuer)}`);
    if (s.predicateType !== undefined) row('predicate type', p(s.predicateType));
    if (u.integratedTime) row('time (UNVERIFIED)', `${u.integratedTime} (Rekor integrated time)`);
    for (const t of u.signedTimestamps) row('time (UNVERIFIED)', `${t} (RFC 3161 timestamp)`);
    if (u.signedName)
      row(
        'names (UNVERIFIED)',
        `${p(u.signedName.repository)}${u.signedName.title ? ` file ${p(u.signedName.title)}` : ''}`,
      );
  }
  const v = s.verification;
  if (v?.status === 'passed')
    row('verified', `PASSED: ${p(v.identity)} (${p(v.issuer)}); by ${v.verifiers.join(' and ')}`);
  if (v?.status === 'failed') row('verified', `FAILED: ${p(v.reason)}`);
  if (v?.status === 'not checked') row('verified', `not checked: ${v.reason}`);
  return lines;
}

export function inspectLines(r: InspectResult): string[] {
  const f = r.file;
  const n = r.signatures.length;
  return [
    `reference  ${r.reference}`,
    `digest     ${r.digest}`,
    `file       ${f.name === undefined ? '(no name)' : p(f.name)}  ${f.size} bytes  ${f.digest}  ${p(f.mediaType)}`,
    `signatures ${n === 0 ? 'none found' : `${n}; signers and times as the signatures state them, UNVERIFIED${r.verified === undefined ? '' : ', each verified against the policy'}`}`,
    ...r.signatures.flatMap(signatureLines),
    ...(r.notExamined > 0 ? [`  ${r.notExamined} more not examined (over the limit)`] : []),
  ];
}
