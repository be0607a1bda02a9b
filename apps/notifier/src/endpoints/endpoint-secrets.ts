import { SecretBox } from '@wabridge/config';
import { EndpointRow } from './endpoints.repository';

/** Secrets are sealed with the endpoint id as AAD: a sealed value copied to another endpoint does not open. */
export function secretAad(endpointId: string): string {
  return `webhook-endpoint:${endpointId}`;
}

/** The secrets that sign now: the current one, and the previous one during a rotation's overlap. */
export function endpointSecrets(box: SecretBox, ep: Pick<EndpointRow, 'id' | 'secret' | 'previous_secret' | 'previous_secret_until'>, nowMs: number): string[] {
  const secrets = [box.open(ep.secret, secretAad(ep.id))];
  if (ep.previous_secret && ep.previous_secret_until && new Date(ep.previous_secret_until).getTime() > nowMs) {
    secrets.push(box.open(ep.previous_secret, secretAad(ep.id)));
  }
  return secrets;
}
