/** --oras / --cosign: which wrapped binaries to run (else GHCR_BLOB_ORAS/COSIGN, else PATH). */
import { Option, type Command } from 'commander';
import * as z from 'zod';

export const toolOptionsSchema = z.object({
  oras: z.string().min(1).optional(),
  cosign: z.string().min(1).optional(),
});
export type ToolOptions = z.infer<typeof toolOptionsSchema>;

export function addToolOptions(cmd: Command, tools: readonly ('oras' | 'cosign')[]): Command {
  for (const tool of tools) {
    cmd.addOption(
      new Option(
        `--${tool} <path>`,
        `the ${tool} binary to run (default: $GHCR_BLOB_${tool.toUpperCase()}, else PATH)`,
      ),
    );
  }
  return cmd;
}
