import { Principal } from './principal';

/** One kind of credential the public API accepts (API keys today; OAuth2 tokens later). */
export interface CredentialVerifier {
  /** Cheap syntactic check: is this bearer token of my kind? */
  accepts(token: string): boolean;
  /** The principal, or null when the credential is unknown, revoked or wrong. */
  verify(token: string): Promise<Principal | null>;
}
