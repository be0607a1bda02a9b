import { IsBase64, IsIn, IsString, Length } from 'class-validator';

/**
 * A secret encrypted with AES-256-GCM (see `SecretBox` in @wabridge/config). Events that must
 * carry credentials (number access tokens, app secrets) carry this, never plaintext: Kafka
 * is storage at rest too. `keyId` lets keys rotate.
 */
export class EncryptedSecret {
  @IsIn(['aes-256-gcm']) alg!: 'aes-256-gcm';
  @IsString() @Length(1, 64) keyId!: string;
  @IsBase64() iv!: string;
  @IsBase64() tag!: string;
  @IsBase64() data!: string;
}
