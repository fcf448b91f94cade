/** `pull`: the written path on stdout (nothing with `-o -`, where stdout is the file). */
import type { PullResult } from '../pull-run.js';
import { known, type Presentation } from './presentation.js';
import { describeVerified } from './verified.js';

export function presentPull(result: PullResult): Presentation {
  const v = result.verification;
  return {
    messages: [...(v ? [describeVerified(v)] : []), `Pulled ${result.pinnedReference} → ${result.file.path}`],
    lines: [result.file.path],
    json: result,
    outputs: known([
      ['digest', result.digest],
      ['pinned-reference', result.pinnedReference],
      ['path', result.file.path],
      ['identity', v?.identity],
      ['issuer', v?.issuer],
    ]),
  };
}
