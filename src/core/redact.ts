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

const base64Forms = (bytes: Buffer): string[] => [bytes.toString('base64'), bytes.toString('base64url')];

/**
 * The secret's base64 as it appears inside the base64 of a longer text (`user:secret`): one
 * fragment per byte alignment, without the edge characters that depend on the neighbours.
 */
function embeddedBase64(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let pad = 1; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    const fragment = b64.slice(4, b64.length - (b64.length % 4));
    if (fragment.length >= 8) out.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  // Aligned, but followed by more bytes: the last, padded group differs.
  const aligned = bytes.toString('base64');
  out.push(aligned.endsWith('=') ? aligned.slice(0, -4) : aligned);
  return out.filter((f) => f.length >= 8);
}

/** The spellings one secret may be seen in: raw, percent-encoded, base64 and base64url, alone or inside more. */
export function secretEncodings(secret: string): string[] {
  const bytes = Buffer.from(secret);
  return [secret, encodeURIComponent(secret), ...base64Forms(bytes), ...embeddedBase64(bytes)];
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
