/** `doctor [REF]`: registration only; the checks are in doctor-run.ts, loaded when the command runs. */
import type { Command } from 'commander';
import { addDoctorOptions, doctorOptionsSchema } from '../options/doctor.js';
import type { Deps } from './deps.js';
import { show } from './output.js';

export function register(program: Command, deps: Deps): Command {
  const cmd = program
    .command('doctor')
    .description('check Node, oras, cosign, Sigstore trust and (with REF) registry access; a fix for each ✗')
    .argument('[ref]', 'also check that this artifact can be read: ghcr.io/OWNER/NAME:TAG');
  addDoctorOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  ghcr-blob doctor
  GHCR_TOKEN=… ghcr-blob doctor ghcr.io/octo/tools/report.json:v1 --json`,
  );
  cmd.action(async (ref: string | undefined, raw: unknown) => {
    const { runDoctor, doctorFailure } = await import('./doctor-run.js');
    const { presentDoctor } = await import('./present/doctor.js');
    const checks = await runDoctor(ref, raw, deps);
    show(deps, presentDoctor(checks));
    const failed = doctorFailure(checks);
    if (failed) throw failed;
  });
  return cmd;
}

export const options = { add: addDoctorOptions, schema: doctorOptionsSchema };
