/** `sign`: the bundle path (a file) or the signature's digest (a reference) on stdout. */
import type { SignResult } from '../sign-run.js';
import { known, type Presentation } from './presentation.js';

export function presentSign(result: SignResult): Presentation {
  if (result.kind === 'file') {
    const { kind: _kind, ...json } = result;
    const who = result.key
      ? `Signed with the key ${result.key}`
      : `Signed as ${result.identity ?? 'unknown identity'} (issuer ${result.issuer ?? 'unknown'})`;
    return {
      messages: [`${who} → ${result.bundlePath}`],
      lines: [result.bundlePath],
      json,
      outputs: known([
        ['bundle-path', result.bundlePath],
        ['identity', result.identity],
        ['issuer', result.issuer],
      ]),
    };
  }
  const { kind: _kind, ...json } = result;
  const sig = result.signature;
  const how = sig.key ? `with the key ${sig.key}` : `as ${sig.identity ?? 'unknown identity'}`;
  return {
    messages: [`Signed ${result.pinnedReference} ${how}; signature ${sig.digest}`],
    lines: [sig.digest],
    json,
    outputs: known([
      ['digest', result.digest],
      ['pinned-reference', result.pinnedReference],
      ['signature-digest', sig.digest],
      ['identity', sig.identity],
      ['issuer', sig.issuer],
    ]),
  };
}
