import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, ValidateNested } from 'class-validator';

/** `POST /_sandbox/apps`: a Meta app as its dashboard holds it (secret, webhook callback URL). */
export class SandboxAppDto {
  @IsString() @IsNotEmpty()
  appId!: string;

  @IsString() @IsNotEmpty()
  appSecret!: string;

  /** Where webhooks of WABAs the app subscribed to go (the platform's ingress `/webhooks/meta/:appId`). */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  callbackUrl!: string;
}

export class SignupNumberDto {
  @IsString() @Matches(/^\d{1,32}$/)
  phoneNumberId!: string;

  @IsString() @IsNotEmpty()
  displayPhoneNumber!: string;

  @IsOptional() @IsString() @IsNotEmpty()
  verifiedName?: string;
}

/** `POST /_sandbox/embedded-signup`: a business finishing Meta's embedded-signup dialog for `appId`. */
export class EmbeddedSignupDto {
  @IsString() @IsNotEmpty()
  appId!: string;

  @IsString() @Matches(/^\d{1,32}$/)
  wabaId!: string;

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => SignupNumberDto)
  numbers!: SignupNumberDto[];
}
