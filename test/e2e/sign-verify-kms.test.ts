// Signing through a KMS (issue 16): `sign --key awskms://ENDPOINT/KEY` with a loopback server that
// speaks the part of AWS KMS cosign uses (GetPublicKey, DescribeKey, Sign over a digest), so cosign
// really signs through it; both verifiers then verify with the key's public half. The provider's
// credential variables (AWS_*) are the one exception to the environment allow-list: proven to reach
// only the signing cosign run, never argv, output, another run, or another provider's variables.
// (Debian's cosign 2.5 and 3.1 builds carry only the awskms provider: hashivault://, gcpkms:// and
// azurekms:// are "unrecognized scheme" there, so the loopback speaks AWS, not Vault.)
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesContainingString, freshCliDirs, runCli } from '../support/cli.js';
import { startAwsKms, type AwsKms } from '../support/aws-kms.js';
import { leaksIn, leaksInText } from '../support/leaks.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';
import { recordingStandIn } from '../support/stand-in.js';
import { EXIT, GENS, cosignPath, expectRefusal, verify } from '../support/kit.js';

let stack: SigstoreStack;
let kms: AwsKms;
let publicKey: string;
const FOREIGN = { VAULT_TOKEN: 'hvs.not-for-aws-0123456789', GOOGLE_APPLICATION_CREDENTIALS: '/nowhere/creds.json' };

beforeAll(async () => {
  const dir = freshCliDirs().cwd;
  [stack, kms] = await Promise.all([startSigstoreStack(), startAwsKms(dir)]);
  publicKey = join(dir, 'kms.pub');
  writeFileSync(publicKey, kms.publicKeyPem);
});
afterAll(async () => Promise.all([stack?.close(), kms?.close()]));

describe.each(GENS)('cosign %i through AWS KMS', (gen) => {
  it('signs through the KMS; AWS_* reach that one cosign run only; both verifiers accept the public key', async () => {
    const cosign = recordingStandIn('cosign', cosignPath(gen));
    const dirs = freshCliDirs();
    const file = join(dirs.cwd, 'report.json');
    writeFileSync(file, `{"signed through":"kms","gen":${gen}}`);
    const uri = `awskms://${kms.endpoint}/${kms.keyId}`;
    const before = kms.requests.length;
    const r = await runCli(
      [
        'sign',
        file,
        '--key',
        uri,
        '--signing-config',
        stack.signingConfigPath,
        '--trusted-root',
        stack.trustedRootPath,
        '--json',
        '--debug',
      ],
      { ...dirs, env: { GHCR_BLOB_COSIGN: cosign.path, SSL_CERT_FILE: kms.caFile, ...kms.env, ...FOREIGN } },
    );
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(JSON.parse(r.stdout)).toMatchObject({ key: uri, rekorLogIndex: expect.any(Number) });
    // cosign really asked the KMS to sign, with the credentials it was given.
    expect(kms.requests.slice(before)).toContainEqual({ target: 'Sign', authorized: true });
    expect(kms.requests.slice(before).every((q) => q.authorized)).toBe(true);
    // --debug names the variables passed, never their values.
    expect(r.stderr).toMatch(
      /KMS awskms: passing AWS_ACCESS_KEY_ID, AWS_REGION, AWS_SECRET_ACCESS_KEY to cosign \(this signing run only\)/,
    );

    const runs = cosign.invocations();
    const signing = runs.filter((i) => i.args[0] === 'sign-blob' && !i.args.includes('--help'));
    expect(signing).toHaveLength(1);
    expect(signing[0]?.env).toMatchObject(kms.env); // the documented exception, for this run…
    for (const other of runs.filter((i) => i !== signing[0])) {
      expect(Object.keys(other.env).filter((k) => k.startsWith('AWS_'))).toEqual([]); // …and no other
    }
    // No run gets another provider's credentials, and the secret is never in argv or output.
    const secret = { secrets: [kms.env.AWS_SECRET_ACCESS_KEY, FOREIGN.VAULT_TOKEN] };
    const beyondEnv = runs.map((i) => ({
      ...i,
      env: Object.fromEntries(Object.entries(i.env).filter(([k]) => !k.startsWith('AWS_'))),
    }));
    expect(leaksIn(beyondEnv, secret)).toEqual([]);
    expect(runs.every((i) => !('VAULT_TOKEN' in i.env) && !('GOOGLE_APPLICATION_CREDENTIALS' in i.env))).toBe(true);
    expect(leaksInText(r.stdout + r.stderr, secret)).toEqual([]);
    for (const dir of Object.values(dirs))
      expect(filesContainingString(dir, kms.env.AWS_SECRET_ACCESS_KEY)).toEqual([]);

    const ok = await verify(file, `${file}.sigstore.json`, ['--key', publicKey], { root: stack.trustedRootPath, gen });
    expect(ok.exitCode, ok.stderr).toBe(EXIT.OK);
    expect(JSON.parse(ok.stdout).verifiers).toEqual(['sigstore-js', `cosign ${gen}`]);
  });
});

describe('KMS refusals', () => {
  it('credentials the KMS refuses: exit 4, no bundle; the secret is not shown', async () => {
    const dirs = freshCliDirs();
    const file = join(dirs.cwd, 'report.json');
    writeFileSync(file, 'x');
    const wrong = {
      ...kms.env,
      AWS_ACCESS_KEY_ID: 'AKIAWRONGWRONGWRONG0',
      AWS_SECRET_ACCESS_KEY: 'wrong-secret-0123456789',
    };
    const r = await runCli(
      [
        'sign',
        file,
        '--key',
        `awskms://${kms.endpoint}/${kms.keyId}`,
        '--signing-config',
        stack.signingConfigPath,
        '--trusted-root',
        stack.trustedRootPath,
      ],
      { ...dirs, env: { GHCR_BLOB_COSIGN: cosignPath(3), SSL_CERT_FILE: kms.caFile, ...wrong } },
    );
    expectRefusal(r, EXIT.AUTH_FAILED, /the KMS refused to sign with awskms:/, [wrong.AWS_SECRET_ACCESS_KEY]);
    expect(readdirSync(dirs.cwd)).toEqual(['report.json']);
  });

  it('--key-password-stdin with a KMS key is a usage error', async () => {
    const dirs = freshCliDirs();
    writeFileSync(join(dirs.cwd, 'report.json'), 'x');
    const r = await runCli(
      ['sign', join(dirs.cwd, 'report.json'), '--key', 'awskms:///alias/x', '--key-password-stdin'],
      {
        ...dirs,
        stdin: 'pw',
        env: { GHCR_BLOB_COSIGN: cosignPath(3) },
      },
    );
    expectRefusal(r, EXIT.USAGE, /--key-password-stdin does not apply to a KMS key/);
  });
});
