/** `verify`: the verified identity on stdout; the one "Verified:" line for people. */
import type { VerifyResult } from '../verify-run.js';
import { known, type Presentation } from './presentation.js';
import { describeVerified } from './verified.js';

export function presentVerify(result: VerifyResult): Presentation {
  const remote = 'verification' in result ? result : undefined;
  const v = remote ? remote.verification : (result as Exclude<VerifyResult, { verification: unknown }>);
  return {
    messages: [describeVerified(v)],
    lines: [v.identity],
    json: result,
    outputs: known([
      ['digest', result.digest],
      ['pinned-reference', remote?.pinnedReference],
      ['identity', v.identity],
      ['issuer', v.issuer],
    ]),
  };
}
