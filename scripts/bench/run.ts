// Runs what one side of a case does — one command, or a recipe of several in a row — and
// measures it as a user (or a CI step) would experience it: wall clock from the first spawn to
// the last exit, and the peak memory of each command's whole process tree.
import { basename } from 'node:path';
import type { Env, Sandbox } from '../lib/sandbox.js';
import { sampleTreeRss } from './proc-tree.js';

export interface Step {
  command: string;
  args: string[];
  cwd: string;
  env: Env;
  /** Bytes on stdin (credentials travel here); stdin is closed either way. */
  stdin?: string;
}

export interface Measured {
  ms: number;
  peakRssBytes: number;
  /** Each step's stdout (the first 64 kB), in order. */
  outputs: string[];
}

/** Longer than any honest run of 1 GiB on a slow machine; a hung tool must still end the bench. */
const STEP_TIMEOUT_MS = 10 * 60_000;

function runStep(sb: Sandbox, step: Step): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let ended = started;
    const child = sb.spawn(step.command, step.args, { cwd: step.cwd, env: step.env, stdio: 'pipe' });
    const sampler = child.pid === undefined ? undefined : sampleTreeRss(child.pid);
    // Output is drained (a full pipe would stall the child) and kept only for an error message.
    let output = '';
    let stdout = '';
    const keep = (d: Buffer): void => void (output.length < 64_000 && (output += d.toString('utf8')));
    child.stdout?.on('data', (d: Buffer) => {
      keep(d);
      if (stdout.length < 64_000) stdout += d.toString('utf8');
    });
    child.stderr?.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.once('exit', () => (ended = performance.now()));
    child.once('error', (err) => {
      clearTimeout(timer);
      sampler?.stop();
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const peakRssBytes = sampler?.stop() ?? 0;
      if (code === 0) return resolve({ ms: ended - started, peakRssBytes, outputs: [stdout] });
      const shown = [basename(step.command), ...step.args].join(' ');
      reject(new Error(sb.redact(`${shown}\n  exited ${code ?? signal}:\n${output.trim()}`)));
    });
    child.stdin?.on('error', () => {}); // a tool that never reads stdin may close it first
    child.stdin?.end(step.stdin ?? '');
  });
}

/** Steps run one after another; time is their sum, memory the largest tree any of them had. */
export async function runSteps(sb: Sandbox, steps: readonly Step[]): Promise<Measured> {
  const total: Measured = { ms: 0, peakRssBytes: 0, outputs: [] };
  for (const step of steps) {
    const m = await runStep(sb, step);
    total.ms += m.ms;
    total.peakRssBytes = Math.max(total.peakRssBytes, m.peakRssBytes);
    total.outputs.push(...m.outputs);
  }
  return total;
}
