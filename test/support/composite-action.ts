// Runs a composite action's steps the way the runner does, small and honest: each step's
// `env:` is evaluated (only the expressions listed here are understood; any other one fails the
// test), its `run:` script goes to a file run by `bash --noprofile --norc -eo pipefail`, with
// GITHUB_OUTPUT (a fresh file per step), GITHUB_STEP_SUMMARY, GITHUB_ENV and GITHUB_ACTION_PATH set;
// step outputs are read back from the file and the action's outputs evaluated from them.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import { actionsFiles, type ActionsFiles, parseEnvFile } from './actions.js';

const stepSchema = z.object({
  name: z.string(),
  id: z.string().optional(),
  shell: z.literal('bash'),
  env: z.record(z.string(), z.string()).default({}),
  run: z.string(),
});
export const actionSchema = z.object({
  name: z.string(),
  description: z.string(),
  inputs: z.record(
    z.string(),
    z.object({ description: z.string(), required: z.boolean().optional(), default: z.string().optional() }),
  ),
  outputs: z.record(z.string(), z.object({ description: z.string(), value: z.string() })),
  runs: z.object({ using: z.literal('composite'), steps: z.array(stepSchema) }),
});
export type CompositeAction = z.infer<typeof actionSchema>;

export function loadAction(path: string): CompositeAction {
  // js-yaml comes with eslint; a YAML parser is all this needs.
  const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
  return actionSchema.parse(yaml.load(readFileSync(path, 'utf8')));
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  files: ActionsFiles;
}

interface Context {
  inputs: Record<string, string>;
  github: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
}

function evaluate(text: string, ctx: Context): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_all, expr: string) => {
    let m = /^inputs\.([\w-]+)$/.exec(expr);
    if (m) return ctx.inputs[m[1]!] ?? '';
    m = /^github\.(\w+)$/.exec(expr);
    if (m && m[1]! in ctx.github) return ctx.github[m[1]!]!;
    m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (m) return ctx.steps[m[1]!]?.outputs[m[2]!] ?? '';
    throw new Error(`the simulated runner does not understand \${{ ${expr} }}`);
  });
}

export async function runCompositeAction(
  action: CompositeAction,
  opts: {
    actionPath: string;
    inputs: Record<string, string>;
    github: Record<string, string>;
    env: Record<string, string>;
    cwd: string;
  },
): Promise<ActionRun> {
  const files = actionsFiles();
  const ctx: Context = { inputs: {}, github: { action_path: opts.actionPath, ...opts.github }, steps: {} };
  for (const [name, input] of Object.entries(action.inputs)) {
    const given = opts.inputs[name];
    if (given === undefined && input.required) throw new Error(`input ${name} is required`);
    ctx.inputs[name] = given ?? evaluate(input.default ?? '', ctx);
  }
  for (const name of Object.keys(opts.inputs))
    if (!(name in action.inputs)) throw new Error(`unexpected input ${name}`); // the runner warns
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const [i, step] of action.runs.steps.entries()) {
    const output = join(files.dir, `output-${i}`);
    writeFileSync(output, '');
    const script = join(files.dir, `step-${i}.sh`);
    writeFileSync(script, step.run);
    const stepEnv = Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, evaluate(v, ctx)]));
    const r = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      reject: false,
      extendEnv: false,
      cwd: opts.cwd,
      env: {
        ...opts.env,
        ...files.env,
        GITHUB_OUTPUT: output,
        GITHUB_ACTION_PATH: opts.actionPath,
        ...stepEnv,
      },
      input: '',
    });
    stdout += r.stdout;
    stderr += r.stderr;
    if (step.id) ctx.steps[step.id] = { outputs: parseEnvFile(readFileSync(output, 'utf8')) };
    exitCode = r.exitCode ?? -1;
    if (exitCode !== 0) break;
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, o]) => [k, evaluate(o.value, ctx)]));
  return { exitCode, stdout, stderr, outputs, files };
}
