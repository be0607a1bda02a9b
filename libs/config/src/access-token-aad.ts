/**
 * AES-GCM additional authenticated data of a number's access token as published in
 * `wa.number.changed.v1` (ADR 0072). The ciphertext opens only together with the same phone
 * number id, Graph base URL (exact string) and config revision it was sealed for, so a
 * replayed or forged config event cannot pair a token with another host, another number or a
 * made-up revision. `v2`: the scheme (v1 was `number:<phoneNumberId>`, bound to the number only).
 */
export function accessTokenAad(n: { phoneNumberId: string; graphBaseUrl: string; revision: number }): string {
  return `number.v2\n${n.phoneNumberId}\n${n.graphBaseUrl}\n${n.revision}`;
}
