/**
 * GitHub Actions workflow commands, and keeping other people's text from becoming one.
 *
 * The runner reads workflow commands from BOTH stdout and stderr of a step: a line that starts
 * with `::` once leading blanks are trimmed (`::name k=v,…::data`), and the legacy form `##[name`
 * anywhere in a line. Data is percent-escaped (% CR LF); property values also escape `:` and `,`.
 * ghcr-blob writes its own commands to stderr, so stdout stays pure data (`--json` pipes to jq).
 */

export const isActions = (env: NodeJS.ProcessEnv): boolean => env.GITHUB_ACTIONS === 'true';

/** Escaping for a command's data (after the second `::`). `%` first, so escapes are not re-escaped. */
export const escapeCommandData = (text: string): string =>
  text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** Escaping for a property value (`title=…`): data escaping plus `:` and `,`. */
export const escapeCommandProperty = (text: string): string =>
  escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function workflowCommand(name: string, properties: Record<string, string>, data: string): string {
  const props = Object.entries(properties)
    .map(([k, v]) => `${k}=${escapeCommandProperty(v)}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeCommandData(data)}`;
}

/**
 * Text that is not ours (a registry's error, a certificate's identity, a child's stderr), made
 * inert for the runner: a leading `::` (after blanks) becomes `%3A:`, and every `##[` becomes
 * `##%5B`. Everything else is left as it is, so the log still reads naturally.
 */
export const neutralizeWorkflowCommands = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.replace(/^(\s*)::/, '$1%3A:').replace(/##\[/g, '##%5B'))
    .join('\n');
