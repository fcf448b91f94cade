/**
 * Removes secrets from text before it is shown. Every string that came from a child process
 * passes through here on its way to the user, including --debug output.
 */
export const REDACTED = '***';

export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    // Very short strings would shred ordinary text and are not credentials anyway.
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}
