/**
 * Why the registry fence could not relay a request, as the same errors oras's own text maps to
 * (oras-errors.ts): oras only sees the fence, so the fence says what happened beyond it.
 */
import { GhcrBlobError, isGhcrBlobError } from '../core/errors.js';
import { printableLine } from '../core/printable.js';

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|EPROTO$)/;
const CERT_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

export function fenceError(e: unknown, registryHost: string): GhcrBlobError {
  if (isGhcrBlobError(e)) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? '';
  const why = printableLine((e as Error | undefined)?.message ?? String(e), 300);
  if (CERT_CODES.test(code)) {
    return new GhcrBlobError('REGISTRY_UNREACHABLE', `${registryHost}: TLS certificate not trusted: ${why}`, {
      recommendation: "pass --ca-file with the registry's CA certificate",
    });
  }
  if (TLS_CODES.test(code) || /wrong version number|packet length too long/i.test(why)) {
    return new GhcrBlobError('REGISTRY_UNREACHABLE', `${registryHost} does not speak HTTPS: ${why}`, {
      recommendation: 'this registry speaks plain HTTP: pass --plain-http',
    });
  }
  return new GhcrBlobError('REGISTRY_UNREACHABLE', `cannot reach ${registryHost}: ${why}`, {
    recommendation: 'check the registry host and port, and that it is running',
  });
}
