/**
 * Removes secrets from text before it is shown. Every string that came from a child process
 * passes through here on its way to the user, including --debug output. A registry or proxy
 * may echo a credential in another spelling (an `Authorization: Basic` header is base64 of
 * `user:token`; a URL carries it percent-encoded), so each secret is removed in every encoding
 * it can travel in, not only as given.
 */
export const REDACTED = '***';

// Very short strings would shred ordinary text and are not credentials anyway.
const MIN_SECRET_LENGTH = 4;

const base64Forms = (bytes: Buffer): string[] => [
  bytes.toString('base64').replace(/=+$/, ''),
  bytes.toString('base64url'),
];

/** The spellings one secret may be seen in: raw, percent-encoded, base64 and base64url. */
export function secretEncodings(secret: string): string[] {
  return [secret, encodeURIComponent(secret), ...base64Forms(Buffer.from(secret))];
}

/** What an `Authorization: Basic` header carries for these credentials: base64 of `user:secret`. */
export const basicAuthEncodings = (username: string, secret: string): string[] =>
  base64Forms(Buffer.from(`${username}:${secret}`));

export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_SECRET_LENGTH)
      for (const form of secretEncodings(secret)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  }
  let out = text;
  // Longest first, so a form that contains another is removed whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  return out;
}
