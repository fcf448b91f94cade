// The runner's side of a GitHub Actions step, simulated: the environment files a step writes to
// (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV) and how the runner reads them back, and the
// workflow commands it picks out of a step's stdout and stderr.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    if (v2) {
      found.push({ command: v2[1]!, data: unescapeData(v2[2]!) });
      continue; // the runner tries the legacy form only when this one fails
    }
    const legacy = /##\[([A-Za-z-]+)[^\]]*\](.*)$/.exec(raw);
    if (legacy) found.push({ command: legacy[1]!, data: legacy[2]! });
  }
  return found;
}

const unescapeData = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

export interface TokenService {
  /** What ACTIONS_ID_TOKEN_REQUEST_URL holds (it already carries a query, like the real one). */
  url: string;
  port: number;
  requests: number;
  close(): Promise<void>;
}

/** GitHub's OIDC token service: `GET URL&audience=sigstore` with `Authorization: bearer REQUEST_TOKEN` → `{value}`. */
export async function startTokenService(requestToken: string, token: () => string): Promise<TokenService> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    const ok =
      req.headers.authorization === `bearer ${requestToken}` && url.searchParams.get('audience') === 'sigstore';
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { count: 1, value: token() } : { message: 'no' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/idtoken?api-version=2.0`,
    port,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
