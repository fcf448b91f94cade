// The runner's side of a GitHub Actions step, simulated: the environment files a step writes to
// (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV) and how the runner reads them back, and the
// workflow commands it picks out of a step's stdout and stderr.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshCliDirs } from './cli.js';

export interface ActionsFiles {
  dir: string;
  output: string;
  summary: string;
  envFile: string;
  /** GITHUB_ACTIONS=true and the three file paths. */
  env: Record<string, string>;
}

export function actionsFiles(): ActionsFiles {
  const dir = mkdtempSync(join(freshCliDirs().cwd, 'runner-'));
  mkdirSync(join(dir, 'files'));
  const [output, summary, envFile] = ['output', 'summary', 'env'].map((n) => join(dir, 'files', n));
  for (const f of [output, summary, envFile]) writeFileSync(f!, '');
  return {
    dir,
    output: output!,
    summary: summary!,
    envFile: envFile!,
    env: { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: output!, GITHUB_STEP_SUMMARY: summary!, GITHUB_ENV: envFile! },
  };
}

/**
 * Reads a GITHUB_OUTPUT / GITHUB_ENV file as the runner does: `name=value` lines, or
 * `name<<DELIM` … a line that is exactly `DELIM`. Anything else is an error (the runner fails the step).
 */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = line.indexOf('<<');
    const eq = line.indexOf('=');
    if (eq > 0 && (heredoc < 0 || eq < heredoc)) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
      continue;
    }
    if (heredoc <= 0) throw new Error(`invalid line in an environment file: ${line}`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
    if (i >= lines.length) throw new Error(`no closing delimiter ${delimiter} for ${name}`);
    out[name] = value.join('\n');
  }
  return out;
}

export const readOutputs = (f: ActionsFiles) => parseEnvFile(readFileSync(f.output, 'utf8'));

/** Workflow commands the runner would act on in a step's output (both forms it accepts). */
export function workflowCommands(text: string): Array<{ command: string; data: string }> {
  const found: Array<{ command: string; data: string }> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimStart();
    const v2 = /^::([A-Za-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
    if (v2) found.push({ command: v2[1]!, data: unescapeData(v2[2]!) });
    const legacy = /##\[([A-Za-z-]+)[^\]]*\](.*)$/.exec(raw);
    if (legacy) found.push({ command: legacy[1]!, data: legacy[2]! });
  }
  return found;
}

const unescapeData = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
