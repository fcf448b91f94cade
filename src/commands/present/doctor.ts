/** `doctor`: one line per check, ✓, ! (a tool advisory: a warning, never a failure) or ✗, and a fix under every ✗ and !. */
import type { DoctorCheck } from '../doctor-run.js';
import type { Presentation } from './presentation.js';

export function presentDoctor(checks: readonly DoctorCheck[]): Presentation {
  return {
    messages: [],
    lines: checks.flatMap((c) => [
      `${c.ok ? (c.warning ? '!' : '✓') : '✗'} ${c.name}: ${c.detail}`,
      ...(c.notes ?? []).map((n) => `    - ${n}`),
      ...(c.fix ? [`    fix: ${c.fix}`] : []),
    ]),
    json: { ok: checks.every((c) => c.ok), checks },
    outputs: [],
  };
}
