/** `doctor`: one line per check, ✓ or ✗, and a fix under every ✗. */
import type { DoctorCheck } from '../doctor-run.js';
import type { Presentation } from './presentation.js';

export function presentDoctor(checks: readonly DoctorCheck[]): Presentation {
  return {
    messages: [],
    lines: checks.flatMap((c) => [
      `${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`,
      ...(c.fix ? [`    fix: ${c.fix}`] : []),
    ]),
    json: { ok: checks.every((c) => c.ok), checks },
    outputs: [],
  };
}
