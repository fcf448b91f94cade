import { describe, expect, it } from 'vitest';
import { checkRealm, parseChallenge, type TokenService } from '../../../src/tools/token-service.js';

const ghcr: TokenService = { protocol: 'https:', registryHost: 'ghcr.io' };

describe('parseChallenge', () => {
  it('reads a Bearer challenge with quoted values, a Basic one, and anything else', () => {
    expect(
      parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/r:pull"'),
    ).toEqual({
      scheme: 'bearer',
      realm: 'https://ghcr.io/token',
      service: 'ghcr.io',
      scope: 'repository:o/r:pull',
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic' });
    expect(parseChallenge('Negotiate')).toEqual({ scheme: 'other', name: 'negotiate' });
    expect(parseChallenge('Bearer service="x"')).toEqual({ scheme: 'other', name: 'bearer without a realm' });
    expect(parseChallenge(undefined)).toBeUndefined();
  });
});

describe('checkRealm: the credential goes only to a token service on the registry host', () => {
  it('accepts the registry host itself (default port spelled or not)', () => {
    expect(checkRealm('https://ghcr.io/token', ghcr).href).toBe('https://ghcr.io/token');
    expect(checkRealm('https://ghcr.io:443/token', ghcr).host).toBe('ghcr.io');
    const local: TokenService = { protocol: 'http:', registryHost: 'localhost:5000' };
    expect(checkRealm('http://localhost:5000/token', local).port).toBe('5000');
  });
  it.each([
    ['another host', 'https://auth.example.com/token'],
    ['an evil suffix', 'https://ghcr.io.evil.example/token'],
    ['an evil prefix', 'https://evil-ghcr.io/token'],
    ['a subdomain', 'https://tokens.ghcr.io/token'],
    ['another port of the same host', 'https://ghcr.io:8443/token'],
    ['plain HTTP for an HTTPS registry', 'http://ghcr.io/token'],
    ['user info in the URL', 'https://x@ghcr.io/token'],
    ['not a URL', '/token'],
  ])('refuses %s (exit 4)', (_why, realm) => {
    expect(() => checkRealm(realm, ghcr)).toThrow(expect.objectContaining({ code: 'AUTH_FAILED' }));
  });
  it('accepts a token host the user named, exactly', () => {
    const hub: TokenService = { protocol: 'https:', registryHost: 'registry-1.docker.io', authHost: 'auth.docker.io' };
    expect(checkRealm('https://auth.docker.io/token', hub).host).toBe('auth.docker.io');
    expect(() => checkRealm('https://auth.docker.io.evil.example/token', hub)).toThrow(
      expect.objectContaining({ code: 'AUTH_FAILED', recommendation: expect.stringContaining('--auth-host') }),
    );
  });
});
