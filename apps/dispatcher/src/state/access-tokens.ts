import { Logger } from '@nestjs/common';
import { EncryptedSecret, NumberChangedV1 } from '@wabridge/contracts';
import { accessTokenAad, SecretBox } from '@wabridge/config';
import { counter } from '@wabridge/telemetry';
import { NumberState } from '../compliance/compliance';

/**
 * Number configs whose access token does not open for their number, Graph base URL and revision
 * (ADR 0072): `event` = refused when consumed, `stored` = a stored row (e.g. sealed under the
 * older AAD scheme) held until a config that opens arrives.
 */
const refusedConfigs = counter('dispatcher_number_config_refused_total', 'Number configs refused because the sealed access token is not bound to that number/base URL/revision', ['where'] as const);

/** The config a sealed token is bound to (ADR 0072). */
type TokenBinding = Pick<NumberState, 'phoneNumberId' | 'graphBaseUrl' | 'revision'>;

/**
 * Opens numbers' sealed access tokens with the SecretBox, each bound to its number, Graph base
 * URL and revision (ADR 0072). A token is opened once per stored config; one that does not open
 * is remembered as such (counted and logged once) until the config changes.
 */
export class AccessTokens {
  private readonly log = new Logger('AccessTokens');
  private readonly opened = new Map<string, string>();
  /** Stored configs (cache key) whose token did not open: never retried until the row changes. */
  private readonly unbound = new Set<string>();

  constructor(private readonly box: SecretBox | null) {}

  /** False without ENCRYPTION_KEYS: nothing can be opened (or checked). */
  get enabled(): boolean {
    return this.box !== null;
  }

  /**
   * The stored token in clear, or undefined when it does not open for its config. Without
   * ENCRYPTION_KEYS nothing can be checked: '' (the number stays as configured and sending
   * fails when it asks for the token).
   */
  openStored(n: TokenBinding, sealed: EncryptedSecret): string | undefined {
    if (!this.box) return '';
    const key = `${n.phoneNumberId}:${n.revision}:${n.graphBaseUrl}:${sealed.data.slice(0, 16)}:${sealed.tag}`;
    const cached = this.opened.get(key);
    if (cached !== undefined) return cached;
    if (this.unbound.has(key)) return undefined;
    try {
      const token = this.box.open(sealed, accessTokenAad(n));
      this.opened.set(key, token);
      return token;
    } catch (err) {
      this.unbound.add(key);
      refusedConfigs.inc({ where: 'stored' });
      this.log.warn(`number ${n.phoneNumberId} held: stored access token does not open for ${n.graphBaseUrl} revision ${n.revision} (${(err as Error).message}); waiting for a config that does`);
      return undefined;
    }
  }

  /**
   * True when the event's token opens for the event's own number, base URL and revision; a
   * refusal is counted and logged (replayed, forged or sealed under the old AAD scheme).
   */
  acceptsEvent(ev: NumberChangedV1): boolean {
    if (!this.box) return true;
    try {
      this.box.open(ev.accessToken, accessTokenAad(ev));
      return true;
    } catch {
      refusedConfigs.inc({ where: 'event' });
      this.log.warn(`refused config of number ${ev.phoneNumberId} revision ${ev.revision}: its access token is not sealed for ${ev.graphBaseUrl} (replayed, forged or sealed under the old AAD scheme)`);
      return false;
    }
  }
}
