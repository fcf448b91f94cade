/** --oras / --cosign: which wrapped binaries to run (else GHCR_BLOB_ORAS/COSIGN, else PATH). */
import { Option, type Command } from 'commander';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { locateTool } from '../tools/locate.js';
import { detectOras, type OrasTool } from '../tools/oras.js';
import { detectCosign, type CosignTool } from '../tools/cosign.js';

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

export async function findOras(opts: ToolOptions, deps: Deps): Promise<OrasTool> {
  return detectOras(await locateTool('oras', opts.oras, deps.env), deps.run);
}

export async function findCosign(opts: ToolOptions, deps: Deps): Promise<CosignTool> {
  return detectCosign(await locateTool('cosign', opts.cosign, deps.env), deps.run);
}
