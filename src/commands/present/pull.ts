/** `pull`: the written path on stdout (nothing with `-o -`, where stdout is the file). */
import { STDOUT } from '../../options/pull.js';
import type { PullResult } from '../pull-run.js';
import { known, type Presentation } from './presentation.js';
import { describeVerified } from './verified.js';

export function presentPull(result: PullResult): Presentation {
  const v = result.verification;
  const streamed = result.file.path === STDOUT;
  return {
    messages: [
      ...(v ? [describeVerified(v)] : []),
      `Pulled ${result.pinnedReference} → ${streamed ? 'stdout' : result.file.path}`,
    ],
    lines: streamed ? [] : [result.file.path],
    json: result,
    outputs: known([
      ['digest', result.digest],
      ['pinned-reference', result.pinnedReference],
      ['path', streamed ? undefined : result.file.path],
      ['identity', v?.identity],
      ['issuer', v?.issuer],
    ]),
  };
}
