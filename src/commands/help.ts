/**
 * Help for people at a terminal: wrapped to 80 columns (every command), and the top level lists
 * the environment variables ghcr-blob reads, its exit codes and a few examples.
 */
import type { Command } from 'commander';

/** The environment variables ghcr-blob reads (also `help environment`). */
export const ENVIRONMENT = `
  GHCR_TOKEN, GITHUB_TOKEN  registry token when --password-stdin is not given
  GITHUB_ACTOR              default user name
  GHCR_BLOB_ORAS, GHCR_BLOB_COSIGN
                            the oras / cosign binaries (else PATH)
  GHCR_BLOB_POLICY          the policy file of verify and pull --verify, when
                            no signer flag is given
  ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN
                            GitHub Actions: the job's OIDC token service
  GITHUB_ACTIONS=true       masks secrets, errors as ::error:: annotations
  GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
                            where --github-output / --github-summary write
  GHCR_BLOB_TUF_CACHE       where public-good's TUF metadata is cached
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY
                            proxies for the token request, TUF, oras and cosign
  NO_COLOR, TERM=dumb       no progress display`;

const TOP_LEVEL = `
Environment:${ENVIRONMENT}

Exit codes:
  0 ok   1 internal error   2 usage   3 verification failed   4 auth failed
  5 not found   6 oras/cosign missing or unsupported   7 unreachable

Examples:
  ghcr-blob doctor
  ghcr-blob push ghcr.io/octo/tools/report.json:v1 ./report.json --sign
  ghcr-blob pull ghcr.io/octo/tools/report.json:v1 -o ./in --verify \\
    --github-workflow octo/tools/.github/workflows/release.yml@refs/tags/v1
  # bundle: ./report.json.sigstore.json
  ghcr-blob verify ./report.json \\
    --github-workflow octo/tools/.github/workflows/release.yml@refs/tags/v1

Run "ghcr-blob help <command>" for a command's options, "ghcr-blob help json"
for scripting; topics: exit-codes, environment, json, credentials.`;

export function configureHelp(program: Command): void {
  program.addHelpText('after', TOP_LEVEL);
  // Subcommands too (`trust fetch`).
  const all = (cmd: Command): Command[] => [cmd, ...cmd.commands.flatMap(all)];
  for (const cmd of all(program)) cmd.configureHelp({ helpWidth: 80, minWidthToWrap: 30 });
}
