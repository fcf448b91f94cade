// What every failing CLI run must show: its exit code, an `error:` line, no secret anywhere in
// its output, nothing written to HOME or DOCKER_CONFIG, and (optionally) nothing landed.
import { expect } from 'vitest';
import { listFilesRecursive, type CliResult } from './cli.js';

/** The documented exit codes (README "Exit codes"), spelled out rather than imported from src. */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  VERIFICATION_FAILED: 3,
  AUTH_FAILED: 4,
  NOT_FOUND: 5,
  TOOL_MISSING: 6,
  REGISTRY_UNREACHABLE: 7,
  OUTPUT_FAILED: 8,
} as const;

/**
 * No result on stdout: nothing, or (under --json) only the failure's own JSON document, whose
 * exit code is the run's and which carries no result field.
 */
export function expectNoResult(r: CliResult): void {
  if (r.stdout === '') return;
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  expect(doc).toMatchObject({ schemaVersion: 1, error: { exitCode: r.exitCode } });
  expect(Object.keys(doc).filter((k) => !['schemaVersion', 'error', 'verified', 'reasons'].includes(k))).toEqual([]);
  if ('verified' in doc) expect(doc.verified).toBe(false);
}

export function expectCleanFailure(
  r: CliResult,
  code: number,
  secrets: readonly string[],
  emptyDirs: readonly string[] = [],
): void {
  expect(r.exitCode, r.stderr).toBe(code);
  expect(r.stderr).toMatch(/^error: /m);
  for (const secret of secrets) expect(r.stdout + r.stderr).not.toContain(secret);
  expect(listFilesRecursive(r.home)).toEqual([]);
  expect(listFilesRecursive(r.dockerConfig)).toEqual([]);
  for (const dir of emptyDirs) expect(listFilesRecursive(dir)).toEqual([]);
}
