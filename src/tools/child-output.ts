/**
 * The one place that picks what people see of a child's stderr: the line that names the error,
 * without the tool's own prefix, escaped (a registry controls much of that text) and shortened.
 * Input is already redacted (see exec.ts).
 */
import { printableLine } from '../core/printable.js';

export interface ErrorLineRule {
  /** oras names the cause in its first `Error` line; cosign in its last. */
  from: 'first' | 'last';
  /** Lines that carry the error. When none does, the first (or last) line is shown. */
  match: RegExp;
  /** The tool's own prefix, removed from what is shown. */
  strip: RegExp;
}

export function errorLine(stderr: string, rule: ErrorLineRule): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const ordered = rule.from === 'first' ? lines : [...lines].reverse();
  const line = ordered.find((l) => rule.match.test(l)) ?? ordered[0] ?? 'no message';
  return printableLine(line.replace(rule.strip, ''));
}
