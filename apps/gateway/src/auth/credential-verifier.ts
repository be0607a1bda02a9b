import { Principal } from './principal';

/** One kind of credential the public API accepts: API keys (ADR 0010) and OAuth2 access tokens (ADR 0160). */
export interface CredentialVerifier {
  /** Cheap syntactic check: is this bearer token of my kind? */
  accepts(token: string): boolean;
  /** The principal, or null when the credential is unknown, revoked or wrong. */
  verify(token: string): Promise<Principal | null>;
}
