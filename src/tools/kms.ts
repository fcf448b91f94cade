/**
 * KMS keys for cosign (`awskms://`, `gcpkms://`, `azurekms://`, `hashivault://`): cosign signs
 * through the provider, which reads its credentials from its own environment variables. Those are
 * the one exception to the environment allow-list (exec.ts): only the provider's own variables,
 * only for the cosign run that signs with that URI.
 */
export const KMS_PROVIDERS = {
  awskms: { prefixes: ['AWS_'], names: [] },
  gcpkms: { prefixes: [], names: ['GOOGLE_APPLICATION_CREDENTIALS'] },
  azurekms: { prefixes: ['AZURE_'], names: [] },
  hashivault: { prefixes: [], names: ['VAULT_ADDR', 'VAULT_TOKEN'] },
} as const satisfies Record<string, { prefixes: readonly string[]; names: readonly string[] }>;

export type KmsScheme = keyof typeof KMS_PROVIDERS;

const KMS_URI = /^(awskms|gcpkms|azurekms|hashivault):\/\/./;

/** The provider of a KMS URI, or undefined for a key file. */
export function kmsScheme(key: string): KmsScheme | undefined {
  return KMS_URI.exec(key)?.[1] as KmsScheme | undefined;
}

/** The provider's credential variables present in `env` (names and values, for that run only). */
export function kmsEnvironment(scheme: KmsScheme, env: NodeJS.ProcessEnv): Record<string, string> {
  const { prefixes, names } = KMS_PROVIDERS[scheme];
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if ((names as readonly string[]).includes(name) || prefixes.some((p) => name.startsWith(p))) out[name] = value;
  }
  return out;
}

/** Values that are credentials (kept out of every output); region names and addresses are not. */
export const isCredentialVariable = (name: string): boolean => /SECRET|TOKEN|PASSWORD|KEY|CREDENTIALS/.test(name);
