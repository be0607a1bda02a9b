import { IsBase64, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { registerContract } from '../topic';

export const WEBHOOK_RECEIVED_V1 = { topic: 'wa.webhook.received.v1', version: 1, key: '<phoneNumberId> (or the WABA id)' } as const;

/**
 * A Meta webhook POST exactly as it arrived (signature already verified by ingress).
 * The body is kept as base64 of the raw bytes so nothing — escapes, spacing, invalid UTF-8 —
 * is lost between the HTTP edge and the normalizer. Key: phone_number_id (or WABA id).
 */
export class WebhookReceivedV1 {
  @IsString() @Length(1, 128) appId!: string;
  @IsISO8601() receivedAt!: string;
  @IsBase64() rawBody!: string;
  @IsOptional() @IsString() signature?: string;
  /** Ingress request id, for log correlation. */
  @IsOptional() @IsString() requestId?: string;
}
registerContract(WEBHOOK_RECEIVED_V1, WebhookReceivedV1);
