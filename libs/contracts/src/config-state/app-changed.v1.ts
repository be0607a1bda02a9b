import { Type } from 'class-transformer';
import { IsBoolean, IsISO8601, IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { EncryptedSecret } from '../secret';
import { registerContract } from '../topic';

export const APP_CHANGED_V1 = { topic: 'wa.app.changed.v1', version: 1, compacted: true, key: '<appId>' } as const;

/** A Meta app as ingress needs it to verify webhooks (compacted, key appId). */
export class AppChangedV1 {
  @IsString() @Length(1, 128) appId!: string;
  @IsObject() @ValidateNested() @Type(() => EncryptedSecret) appSecret!: EncryptedSecret;
  @IsObject() @ValidateNested() @Type(() => EncryptedSecret) verifyToken!: EncryptedSecret;
  @IsOptional() @IsBoolean() deleted?: boolean;
  @IsISO8601() updatedAt!: string;
}
registerContract(APP_CHANGED_V1, AppChangedV1);
