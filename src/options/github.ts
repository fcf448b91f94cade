/** GitHub Actions integration: step outputs and the job summary (paths come from the runner's env). */
import { type Command, Option } from 'commander';
import * as z from 'zod';

export const githubOptionsSchema = z.object({
  githubOutput: z.boolean().default(false),
  githubSummary: z.boolean().default(false),
});
export type GithubOptions = z.infer<typeof githubOptionsSchema>;

export function addGithubOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--github-output', 'write step outputs (digest, pinned-reference, …) to $GITHUB_OUTPUT'))
    .addOption(new Option('--github-summary', 'add a short Markdown table to $GITHUB_STEP_SUMMARY'));
}
