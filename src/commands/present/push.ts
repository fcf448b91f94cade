/** `push`: the pinned reference on stdout; who signed, when --sign, for people. */
import type { PushResult } from '../push-run.js';
import { known, type Presentation } from './presentation.js';

export function presentPush(result: PushResult): Presentation {
  const sig = result.signature;
  const signed = sig
    ? [
        `${sig.key ? `Signed with the key ${sig.key}` : `Signed as ${sig.identity ?? 'unknown identity'}`}; signature ${sig.digest}`,
      ]
    : [];
  return {
    messages: [`Pushed ${result.pinnedReference}`, ...signed],
    lines: [result.pinnedReference],
    json: result,
    outputs: known([
      ['digest', result.digest],
      ['pinned-reference', result.pinnedReference],
      ['signature-digest', sig?.digest],
      ['identity', sig?.identity],
      ['issuer', sig?.issuer],
    ]),
  };
}
