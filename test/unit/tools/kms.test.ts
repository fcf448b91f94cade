import { describe, expect, it } from 'vitest';
import { isCredentialVariable, kmsEnvironment, kmsScheme } from '../../../src/tools/kms.js';

const ENV = {
  PATH: '/usr/bin',
  AWS_ACCESS_KEY_ID: 'AKIA…',
  AWS_SECRET_ACCESS_KEY: 's',
  AWS_REGION: 'eu-west-1',
  GOOGLE_APPLICATION_CREDENTIALS: '/g.json',
  GOOGLE_OTHER: 'x',
  AZURE_CLIENT_SECRET: 'a',
  VAULT_ADDR: 'https://vault',
  VAULT_TOKEN: 'hvs.x',
  VAULT_NAMESPACE: 'ns',
  GHCR_TOKEN: 'never',
};

describe('KMS keys', () => {
  it.each([
    ['awskms://127.0.0.1:4566/alias/release', 'awskms'],
    ['gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k', 'gcpkms'],
    ['azurekms://vault.vault.azure.net/key', 'azurekms'],
    ['hashivault://release', 'hashivault'],
    ['cosign.key', undefined],
    ['./awskms://x', undefined],
    ['k8s://ns/secret', undefined],
  ])('%s → %s', (key, scheme) => expect(kmsScheme(key)).toBe(scheme));

  it("passes only the provider's own variables: never another provider's, never the registry token", () => {
    expect(kmsEnvironment('awskms', ENV)).toEqual({
      AWS_ACCESS_KEY_ID: 'AKIA…',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_REGION: 'eu-west-1',
    });
    expect(kmsEnvironment('gcpkms', ENV)).toEqual({ GOOGLE_APPLICATION_CREDENTIALS: '/g.json' });
    expect(kmsEnvironment('azurekms', ENV)).toEqual({ AZURE_CLIENT_SECRET: 'a' });
    expect(kmsEnvironment('hashivault', ENV)).toEqual({ VAULT_ADDR: 'https://vault', VAULT_TOKEN: 'hvs.x' });
  });

  it('redacts credential values, not regions or addresses', () => {
    expect(
      ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'VAULT_TOKEN', 'AZURE_CLIENT_SECRET'].every(isCredentialVariable),
    ).toBe(true);
    expect(['AWS_REGION', 'VAULT_ADDR'].some(isCredentialVariable)).toBe(false);
  });
});
