// verify must reject (issue 3): wrong bytes, wrong trust root, wrong issuer, every near-miss of
// the identity, unsafe or missing policy, broken bundles. Each asserts the exit code and a message
// naming the failed check. Bundles are made once by the CLI itself (cosign 2 and 3 alternating).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshCliDirs } from '../support/cli.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';
import {
  EXIT,
  GITHUB_ISSUER,
  RELEASE,
  RELEASE_SAN as SAN,
  WORKFLOW,
  byWorkflow,
  cosignPath,
  exactly,
  expectRefusal,
  shQuote,
  signedFixture,
  verify,
  writeScript,
} from '../support/kit.js';

const CONTENT = '{"report":"all green"}\n';
const EVIL_ISSUER = `${GITHUB_ISSUER}.evil`;
const SAN_OF = {
  toolsEvil: 'https://github.com/octo/tools-evil/.github/workflows/release.yml@refs/tags/v1.2.0',
  otherWorkflow: 'https://github.com/octo/tools/.github/workflows/evil.yml@refs/tags/v1.2.0',
};

let stack: SigstoreStack;
let foreign: SigstoreStack; // an unrelated Sigstore: another trust root
type Fixture = { file: string; bundle: string };
let good: Fixture; // RELEASE, by cosign 2
let otherFile: Fixture; // RELEASE, another file's bytes, cosign 3
let toolsEvil: Fixture; // octo/tools-evil, cosign 3
let otherWorkflow: Fixture; // octo/tools, .github/workflows/evil.yml, cosign 2
let evilIssuer: Fixture; // RELEASE, but the token's issuer is GITHUB_ISSUER + ".evil", cosign 3
let fromForeign: Fixture; // RELEASE, signed on the foreign stack, cosign 2
let work: string;

beforeAll(async () => {
  [stack, foreign] = await Promise.all([startSigstoreStack(), startSigstoreStack()]);
  work = freshCliDirs().cwd;
  [good, otherFile, toolsEvil, otherWorkflow, evilIssuer, fromForeign] = await Promise.all([
    signedFixture(stack, 2, CONTENT),
    signedFixture(stack, 3, '{"report":"something else"}\n'),
    signedFixture(stack, 3, CONTENT, { ...RELEASE, repository: 'octo/tools-evil' }),
    signedFixture(stack, 2, CONTENT, { ...RELEASE, workflowPath: '.github/workflows/evil.yml' }),
    signedFixture(stack, 3, CONTENT, { ...RELEASE, issuer: EVIL_ISSUER }),
    signedFixture(foreign, 2, CONTENT),
  ]);
});
afterAll(async () => Promise.all([stack?.close(), foreign?.close()]));

const check = (
  f: Fixture,
  policy: string[],
  o: { gen?: 2 | 3; file?: string; bundle?: string; root?: string; cosign?: string } = {},
) =>
  verify(o.file ?? f.file, o.bundle ?? f.bundle, policy, {
    root: o.root ?? stack.trustedRootPath,
    gen: o.gen,
    cosign: o.cosign,
  });

const IDENTITY = /error: signature rejected: the certificate's identity \(SAN\) does not match the policy/;
const ISSUER = /error: signature rejected: the certificate's OIDC issuer does not match the policy/;

describe.concurrent('identity and issuer: exact, never a near miss', () => {
  // [name, fixture, policy, failed check, the SAN the certificate really has]
  const rows: Array<[string, () => Fixture, string[], RegExp, string]> = [
    [
      'identity that is a prefix of the SAN (no @ref)',
      () => good,
      exactly(`https://github.com/${WORKFLOW}`),
      IDENTITY,
      SAN,
    ],
    [
      'identity that is a suffix of the SAN (no scheme)',
      () => good,
      exactly(SAN.replace('https://', '')),
      IDENTITY,
      SAN,
    ],
    ['identity differing only in case', () => good, exactly(SAN.replace('octo', 'Octo')), IDENTITY, SAN],
    ['another workflow file, exact', () => good, exactly(SAN.replace('release.yml', 'ci.yml')), IDENTITY, SAN],
    [
      'another workflow file, --github-workflow any ref',
      () => good,
      byWorkflow('octo/tools/.github/workflows/ci.yml'),
      IDENTITY,
      SAN,
    ],
    ['another ref, exact', () => good, exactly(`https://github.com/${WORKFLOW}@refs/heads/main`), IDENTITY, SAN],
    ['another ref, --github-workflow @ref', () => good, byWorkflow(`${WORKFLOW}@refs/heads/main`), IDENTITY, SAN],
    [
      'a ref that is a prefix of the signed one (v1.2 vs v1.2.0)',
      () => good,
      byWorkflow(`${WORKFLOW}@refs/tags/v1.2`),
      IDENTITY,
      SAN,
    ],
    [
      'signed by octo/tools-evil, --github-workflow octo/tools any ref',
      () => toolsEvil,
      byWorkflow(WORKFLOW),
      IDENTITY,
      SAN_OF.toolsEvil,
    ],
    [
      'signed by octo/tools-evil, --github-workflow octo/tools @ref',
      () => toolsEvil,
      byWorkflow(`${WORKFLOW}@${RELEASE.ref}`),
      IDENTITY,
      SAN_OF.toolsEvil,
    ],
    [
      'signed by octo/tools-evil, an anchored regexp for octo/tools',
      () => toolsEvil,
      [
        '--certificate-identity-regexp',
        '^https://github\\.com/octo/tools/\\.github/workflows/release\\.yml@refs/tags/.+$',
        '--certificate-oidc-issuer',
        GITHUB_ISSUER,
      ],
      IDENTITY,
      SAN_OF.toolsEvil,
    ],
    [
      'signed by another workflow of the repo, --github-workflow any ref',
      () => otherWorkflow,
      byWorkflow(WORKFLOW),
      IDENTITY,
      SAN_OF.otherWorkflow,
    ],
    ['wrong issuer', () => good, exactly(SAN, 'https://accounts.google.com'), ISSUER, SAN],
    [
      'issuer with a suffix, --github-workflow (implied issuer)',
      () => evilIssuer,
      byWorkflow(`${WORKFLOW}@${RELEASE.ref}`),
      ISSUER,
      SAN,
    ],
    ['issuer with a suffix, exact issuer', () => evilIssuer, exactly(SAN), ISSUER, SAN],
    [
      'issuer with a suffix, anchored issuer regexp',
      () => evilIssuer,
      [
        '--certificate-identity',
        SAN,
        '--certificate-oidc-issuer-regexp',
        '^https://token\\.actions\\.githubusercontent\\.com$',
      ],
      ISSUER,
      SAN,
    ],
  ];

  it.each(rows)('rejects %s', async (_name, fixture, policy, failed, actualSan) => {
    const f = fixture();
    const r = await check(f, policy);
    expectRefusal(r, EXIT.VERIFICATION_FAILED, failed);
    // Expected vs actual, and the GitHub workflow the (genuine) certificate names.
    expect(r.stderr).toMatch(failed === IDENTITY ? /^ {2}expected identity: /m : /^ {2}expected issuer: /m);
    if (failed === IDENTITY) expect(r.stderr).toContain(`actual identity:   ${actualSan}`);
    else expect(r.stderr).toContain(`actual issuer:   ${f === evilIssuer ? EVIL_ISSUER : GITHUB_ISSUER}`);
    expect(r.stderr).toContain(`workflow: ${actualSan}`);
  });

  it('controls: the evil-issuer bundle is otherwise genuine (accepted for its own issuer)', async () => {
    const r = await check(evilIssuer, exactly(SAN, EVIL_ISSUER));
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(JSON.parse(r.stdout)).toMatchObject({ identity: SAN, issuer: EVIL_ISSUER });
  });
});

describe.concurrent('bytes, trust root and bundle', () => {
  it('rejects a tampered file', async () => {
    const tampered = join(work, 'tampered.json');
    writeFileSync(tampered, CONTENT.replace('green', 'gReen'));
    const r = await check(good, byWorkflow(WORKFLOW), { file: tampered });
    expectRefusal(r, EXIT.VERIFICATION_FAILED, /is not the file this bundle signs: its sha256 differs/);
  });

  it('rejects the bundle of another file', async () => {
    const r = await check(good, byWorkflow(WORKFLOW), { bundle: otherFile.bundle });
    expectRefusal(r, EXIT.VERIFICATION_FAILED, /is not the file this bundle signs: its sha256 differs/);
  });

  it('rejects a bundle whose digest was rewritten to match a tampered file (the signature no longer matches)', async () => {
    const tampered = join(work, 'tampered2.json');
    writeFileSync(tampered, CONTENT.replace('green', 'red'));
    const json = JSON.parse(readFileSync(good.bundle, 'utf8'));
    json.messageSignature.messageDigest.digest = createHash('sha256').update(readFileSync(tampered)).digest('base64');
    const bundle = join(work, 'rewritten.sigstore.json');
    writeFileSync(bundle, JSON.stringify(json));
    const r = await check(good, byWorkflow(WORKFLOW), { file: tampered, bundle });
    expectRefusal(r, EXIT.VERIFICATION_FAILED, /signature rejected: .*signature/);
  });

  it('rejects a bundle from another trust root (and accepts it under its own)', async () => {
    const r = await check(fromForeign, byWorkflow(WORKFLOW));
    // sigstore-js checks the timestamps (foreign TSA and Rekor) before the chain (foreign Fulcio).
    expectRefusal(
      r,
      EXIT.VERIFICATION_FAILED,
      /signature rejected: the (signing certificate is not from a trusted Fulcio CA|signing time is not attested by a trusted transparency log or timestamp authority)/,
    );
    const control = await check(fromForeign, byWorkflow(WORKFLOW), { root: foreign.trustedRootPath, gen: 2 });
    expect(control.exitCode, control.stderr).toBe(EXIT.OK);
  });

  const broken: Array<[string, () => string, RegExp]> = [
    ['not JSON', () => 'this is not a bundle', /is not valid JSON/],
    ['truncated', () => readFileSync(good.bundle, 'utf8').slice(0, 700), /is not valid JSON \(truncated\?\)/],
    [
      'JSON of another shape',
      () => JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }),
      /is not a Sigstore bundle: verificationMaterial/,
    ],
    [
      'without its transparency log entry',
      () => {
        const json = JSON.parse(readFileSync(good.bundle, 'utf8')) as {
          verificationMaterial: { tlogEntries: unknown[] };
        };
        json.verificationMaterial.tlogEntries = [];
        return JSON.stringify(json);
      },
      /no transparency log entry, and the trusted root lists transparency logs/,
    ],
  ];
  it.each(broken)('rejects a bundle that is %s', async (name, text, message) => {
    const bundle = join(work, `broken-${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(bundle, text());
    const r = await check(good, byWorkflow(WORKFLOW), { bundle });
    expectRefusal(r, EXIT.VERIFICATION_FAILED, message);
  });

  it('a missing bundle file is a usage error', async () => {
    const r = await check(good, byWorkflow(WORKFLOW), { bundle: join(work, 'no-such.sigstore.json') });
    expectRefusal(r, EXIT.USAGE, /cannot read bundle .*no-such\.sigstore\.json: no such file/);
  });

  it.each([2, 3] as const)(
    'either verifier rejecting is enough: a cosign %i that trusts another root fails the verify',
    async (gen) => {
      // A real cosign, but whatever --trusted-root it is handed is swapped for the foreign stack's;
      // sigstore-js runs first with the right root and accepts (else its own message would show).
      const wrapper = writeScript(
        join(work, `cosign-${gen}-foreign-root`),
        `
for a in "$@"; do shift; if [ "$prev" = --trusted-root ]; then set -- "$@" ${shQuote(foreign.trustedRootPath)}; else set -- "$@" "$a"; fi; prev=$a; done
exec ${shQuote(cosignPath(gen))} "$@"`,
      );
      const r = await check(good, byWorkflow(WORKFLOW), { cosign: wrapper });
      expectRefusal(r, EXIT.VERIFICATION_FAILED, /^error: cosign rejected the signature: .*transparency log/m);
    },
  );
});

describe.concurrent('unsafe or missing policy: usage error before any work', () => {
  // No such file or bundle, and a cosign that leaves a mark if it is ever run: the policy must be
  // refused first, on its own.
  const rows: Array<[string, string[], RegExp]> = [
    [
      'an unanchored identity regexp',
      [
        '--certificate-identity-regexp',
        'https://github\\.com/octo/tools/.*',
        '--certificate-oidc-issuer',
        GITHUB_ISSUER,
      ],
      /--certificate-identity-regexp .* is not anchored: it must start with \^/,
    ],
    [
      'an identity regexp open at the end',
      ['--certificate-identity-regexp', '^https://github\\.com/octo/tools', '--certificate-oidc-issuer', GITHUB_ISSUER],
      /is not anchored: it must end with an unescaped \$/,
    ],
    [
      'an identity regexp with a top-level |',
      [
        '--certificate-identity-regexp',
        '^https://x$|https://github\\.com/octo/tools',
        '--certificate-oidc-issuer',
        GITHUB_ISSUER,
      ],
      /is not anchored: it has a top-level \|/,
    ],
    [
      'an unanchored issuer regexp',
      ['--certificate-identity', SAN, '--certificate-oidc-issuer-regexp', 'token\\.actions\\.githubusercontent\\.com'],
      /--certificate-oidc-issuer-regexp .* is not anchored/,
    ],
    ['no identity', ['--certificate-oidc-issuer', GITHUB_ISSUER], /verifying needs the signer's identity/],
    ['no issuer', ['--certificate-identity', SAN], /verifying needs the OIDC issuer/],
    [
      'two identities',
      [...byWorkflow(WORKFLOW), '--certificate-identity', SAN],
      /--certificate-identity and --github-workflow conflict/,
    ],
  ];

  it.each(rows)('refuses %s', async (name, policy, message) => {
    const marker = join(work, `ran-${name.replace(/\W+/g, '-')}`);
    const cosign = writeScript(`${marker}.sh`, `: > ${shQuote(marker)}\nexec ${shQuote(cosignPath(3))} "$@"`);
    const r = await check(good, policy, {
      file: join(work, 'no-such-file'),
      bundle: join(work, 'no-such-bundle'),
      cosign,
    });
    expectRefusal(r, EXIT.USAGE, message);
    expect(existsSync(marker)).toBe(false);
  });
});
