import { describe, expect, it } from 'vitest';
import { resolveIdentityToken } from '../../../src/secrets/identity-token.js';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
const OTHER = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ5In0.c2ln';
const noStdin = () => Promise.reject(new Error('stdin must not be read'));

describe('resolveIdentityToken', () => {
  it('reads SIGSTORE_ID_TOKEN (GitLab CI, cosign convention) and keeps it among the secrets', async () => {
    const got = await resolveIdentityToken(
      { identityTokenStdin: false },
      { env: { SIGSTORE_ID_TOKEN: `${JWT}\n` }, readStdin: noStdin },
    );
    expect(got).toEqual({ token: JWT, secrets: [JWT, `${JWT}\n`], source: 'SIGSTORE_ID_TOKEN' });
  });

  it('--identity-token-stdin wins over SIGSTORE_ID_TOKEN; SIGSTORE_ID_TOKEN over the Actions service', async () => {
    const stdin = await resolveIdentityToken(
      { identityTokenStdin: true },
      { env: { SIGSTORE_ID_TOKEN: OTHER }, readStdin: () => Promise.resolve(JWT) },
    );
    expect(stdin.source).toBe('--identity-token-stdin');
    expect(stdin.token).toBe(JWT);
    const fetch = () => Promise.reject(new Error('the Actions service must not be asked'));
    const env = await resolveIdentityToken(
      { identityTokenStdin: false },
      {
        env: {
          SIGSTORE_ID_TOKEN: OTHER,
          ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x/',
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'r',
        },
        readStdin: noStdin,
        fetch,
      },
    );
    expect(env.token).toBe(OTHER);
  });

  it.each([
    ['empty', '', /SIGSTORE_ID_TOKEN is set but empty/],
    [
      'not a JWT (a PAT set by mistake)',
      'glpat-0123456789abcdefghij',
      /SIGSTORE_ID_TOKEN does not hold an OIDC identity token/,
    ],
  ])('refuses SIGSTORE_ID_TOKEN %s, without echoing it', async (_name, value, message) => {
    const got = resolveIdentityToken(
      { identityTokenStdin: false },
      { env: { SIGSTORE_ID_TOKEN: value }, readStdin: noStdin },
    );
    await expect(got).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(message) });
    await got.catch((e: Error) => {
      if (value) expect(e.message).not.toContain(value);
    });
  });

  it('no token anywhere: the hint names GitHub Actions, GitLab CI and stdin', async () => {
    await expect(
      resolveIdentityToken({ identityTokenStdin: false }, { env: {}, readStdin: noStdin }),
    ).rejects.toMatchObject({
      code: 'USAGE',
      recommendation: expect.stringMatching(/id-token: write.*id_tokens: SIGSTORE_ID_TOKEN.*--identity-token-stdin/),
    });
  });
});
