import { describe, expect, it } from 'vitest';
import { orasFailure } from '../../../src/tools/oras-errors.js';

// Texts as printed by oras 1.2.0 / 1.3.3 against distribution 2.8.
describe('oras failure text → error code', () => {
  it.each([
    ['Error response from registry: unauthorized: authentication required: [map[Action:pull]]', 'AUTH_FAILED'],
    ['Error: failed to resolve: basic credential not found', 'AUTH_FAILED'],
    ['Error: GET "https://ghcr.io/v2/…": response status code 403: denied: permission_denied', 'AUTH_FAILED'],
    [
      'Error: Get "http://localhost:5998/v2/": dial tcp 127.0.0.1:5998: connect: connection refused',
      'REGISTRY_UNREACHABLE',
    ],
    [
      'Error: Get "https://127.0.0.1:5000/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority',
      'REGISTRY_UNREACHABLE',
    ],
    [
      'Error: Get "https://127.0.0.1:5000/v2/": http: server gave HTTP response to HTTPS client',
      'REGISTRY_UNREACHABLE',
    ],
    ['Error: localhost:5000/a/b:nope: not found', 'NOT_FOUND'],
    // A repository named like a TLS word is still a missing tag, not a certificate problem.
    [
      'Error: failed to fetch the content of "localhost:5000/octo/tls:v1": localhost:5000/octo/tls:v1: not found',
      'NOT_FOUND',
    ],
    ['Error: Get "https://127.0.0.1:5000/v2/": remote error: tls: bad certificate', 'REGISTRY_UNREACHABLE'],
    // `oras blob fetch` given other bytes than the digest names (wording of oras 1.2.0 and 1.3.3).
    ['Error: mismatched digest', 'VERIFICATION_FAILED'],
    ['Error: invalid reference: invalid repository "A"', 'USAGE'],
    ['Error: something nobody expected', 'INTERNAL'],
  ])('%s → %s', (stderr, code) => {
    const err = orasFailure('pull', stderr);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(/^pull failed: /);
    expect(err.message).not.toMatch(/Error:/);
  });
});

describe('a refusal names the user that was sent', () => {
  const UNAUTHORIZED = 'Error response from registry: unauthorized: authentication required: [map[Action:push]]';

  it("the placeholder: says it is ghcr-blob's, and how to give a name", () => {
    const err = orasFailure('push', UNAUTHORIZED, { username: 'ghcr-blob', placeholder: true });
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.details).toEqual([
      expect.stringMatching(/^sent as user "ghcr-blob", ghcr-blob's placeholder .*-u USER$/),
    ]);
  });

  it('a chosen name: named as it was sent, escaped', () => {
    expect(orasFailure('pull', UNAUTHORIZED, { username: 'octo\u001b[31mcat' }).details).toEqual([
      'sent as user "octo\\u001b[31mcat"',
    ]);
  });

  it('a 403 names it too; failures that are not refusals do not', () => {
    expect(orasFailure('pull', 'Error: response status code 403: denied', { username: 'me' }).details).toEqual([
      'sent as user "me"',
    ]);
    expect(orasFailure('pull', 'Error: localhost:5000/a/b:nope: not found', { username: 'me' }).details).toEqual([]);
  });
});
