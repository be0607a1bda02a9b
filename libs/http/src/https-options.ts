import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';

/** PEM files of a listener that serves HTTPS itself (no TLS-terminating ingress in front). */
export interface HttpsFiles {
  certFile: string;
  keyFile: string;
  /** Extra CA certificates sent with the chain (intermediates). */
  caFile?: string;
}

/** TLS 1.0/1.1 are refused: deprecated (RFC 8996), and Meta calls webhooks with TLS 1.2+. */
export const MIN_TLS_VERSION = 'TLSv1.2';

/** `TLS_CERT_FILE`/`TLS_KEY_FILE`/`TLS_CA_FILE` of BaseEnv (validated readable at boot); unset = plain HTTP. */
export function httpsFromEnv(env: { TLS_CERT_FILE?: string; TLS_KEY_FILE?: string; TLS_CA_FILE?: string }): HttpsFiles | undefined {
  if (!env.TLS_CERT_FILE || !env.TLS_KEY_FILE) return undefined;
  return { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE, caFile: env.TLS_CA_FILE };
}

/** Node's https server options for the files: read once at boot, TLS >= 1.2. */
export function httpsServerOptions(files: HttpsFiles): SecureContextOptions & { minVersion: 'TLSv1.2' } {
  const read = (path: string, variable: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
  };
  return {
    cert: read(files.certFile, 'TLS_CERT_FILE'),
    key: read(files.keyFile, 'TLS_KEY_FILE'),
    ca: files.caFile ? read(files.caFile, 'TLS_CA_FILE') : undefined,
    minVersion: MIN_TLS_VERSION,
  };
}
