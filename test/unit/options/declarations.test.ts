// Every options module, checked as a whole: no flag takes a secret, every flag reaches the schema
// (zod would silently drop one it does not know), and each default is declared once. The shared
// modules are listed here; every command's own module comes from the command table.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { addAuthOptions, authOptionsSchema } from '../../../src/options/auth.js';
import { addOutputOptions, outputOptionsSchema } from '../../../src/options/output.js';
import { addPolicyOptions, policyOptionsSchema } from '../../../src/options/policy.js';
import { addRemoteOptions, remoteOptionsSchema } from '../../../src/options/remote.js';
import { addSigningOptions, signingOptionsSchema } from '../../../src/options/signing.js';
import { addToolOptions, toolOptionsSchema } from '../../../src/options/tools.js';
import { addTrustOptions, trustOptionsSchema } from '../../../src/options/trust.js';
import { parseOptions } from '../../../src/options/parse.js';
import { COMMANDS } from '../../../src/commands/table.js';
import { commandWith, rawOptions } from './support/command-line.js';

type Module = [string, (cmd: Command) => Command, z.ZodObject];

const MODULES: Module[] = [
  ['auth', addAuthOptions, authOptionsSchema],
  ['remote', addRemoteOptions, remoteOptionsSchema],
  ['tools', (cmd) => addToolOptions(cmd, ['oras', 'cosign']), toolOptionsSchema],
  // The policy schema carries --trusted-root, which commands declare through the trust module.
  ['policy', (cmd) => addTrustOptions(addPolicyOptions(cmd)), policyOptionsSchema],
  ['trust', addTrustOptions, trustOptionsSchema],
  ['signing', addSigningOptions, signingOptionsSchema],
  ['output', addOutputOptions, outputOptionsSchema],
];

const COMMAND_MODULES: Module[] = [];
for (const entry of COMMANDS) {
  const { options } = entry.module;
  if (options) COMMAND_MODULES.push([entry.name, options.add, options.schema]);
}

it('every command that takes options has its options module here (doctor included)', () => {
  // trust's options belong to its subcommand (trust fetch, whose -o FILE is required).
  const withOptions = COMMANDS.filter((c) => !['completion', 'help', 'trust'].includes(c.name)).map((c) => c.name);
  expect(COMMAND_MODULES.map(([name]) => name)).toEqual(withOptions);
  expect(withOptions).toContain('doctor');
});

describe.each([...MODULES, ...COMMAND_MODULES])('%s options', (_name, add, schema) => {
  const options = commandWith(add).options;

  it('has no flag that takes a secret', () => {
    for (const option of options) {
      expect(['--password', '--token', '--identity-token', '--secret']).not.toContain(option.long);
      // A flag named after a secret is only ever a switch saying where to read it from.
      if (/password|token|secret/i.test(option.flags)) {
        expect({ flag: option.long, takesValue: option.required || option.optional }).toEqual({
          flag: option.long,
          takesValue: false,
        });
        expect(option.long).toMatch(/-stdin$/);
      }
    }
  });

  it('maps every flag to a schema key and every schema key to a flag', () => {
    // --tlog-upload and --no-tlog-upload share one key (on, off, or not said).
    const flags = [...new Set(options.map((o) => o.attributeName()))].sort();
    expect(flags).toEqual(Object.keys(schema.shape).sort());
  });

  it("declares defaults once: an empty command line parses to zod's own defaults", () => {
    expect(parseOptions(schema, rawOptions(add, []))).toEqual(parseOptions(schema, {}));
    for (const option of options.filter((o) => o.defaultValue !== undefined)) {
      expect(parseOptions(schema, {})).toHaveProperty(option.attributeName(), option.defaultValue);
    }
  });
});
