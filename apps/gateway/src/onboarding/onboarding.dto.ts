import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { REGISTRATION_STATUSES } from './registration-state';

export class EmbeddedSignupDto {
  @ApiProperty({ type: String, description: 'The code Meta\'s embedded-signup dialog returned to your page (single use, valid minutes)' })
  @IsString() @Length(1, 2048) code!: string;

  @ApiPropertyOptional({ type: String, description: 'The Meta app of the dialog; may be left out when the platform has exactly one' })
  @IsOptional() @IsString() @Length(1, 128) appId?: string;
}

export class RequestCodeDto {
  @ApiProperty({ enum: ['SMS', 'VOICE'] }) @IsIn(['SMS', 'VOICE']) codeMethod!: 'SMS' | 'VOICE';
  @ApiProperty({ type: String, example: 'en_US' }) @IsString() @Matches(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'language must be a locale such as en_US' }) language!: string;
}

export class VerifyCodeDto {
  @ApiProperty({ type: String, description: 'The 6-digit code Meta sent by SMS or voice', example: '123456' })
  @IsString() @Matches(/^\d{3}-?\d{3}$/, { message: 'code must be the 6 digits Meta sent' }) code!: string;
}

export class PinDto {
  @ApiProperty({ type: String, description: 'Two-step verification PIN (6 digits); passed to Meta, never stored', example: '482913' })
  @IsString() @Matches(/^\d{6}$/, { message: 'pin must be 6 digits' }) pin!: string;
}

export class RegistrationViewDto {
  @ApiProperty({ type: String }) phoneNumberId!: string;
  @ApiProperty({ enum: REGISTRATION_STATUSES }) registrationStatus!: string;
  @ApiProperty({ type: Boolean, description: 'Whether a two-step verification PIN is set' }) twoStepVerification!: boolean;
  @ApiProperty({ enum: ['active', 'paused'], description: 'paused until registered' }) status!: string;
}

export class SignupNumberDto {
  @ApiProperty({ type: String }) phoneNumberId!: string;
  @ApiProperty({ type: String }) displayPhoneNumber!: string;
  @ApiPropertyOptional({ type: String }) verifiedName?: string;
  @ApiProperty({ enum: REGISTRATION_STATUSES }) registrationStatus!: string;
  @ApiProperty({ enum: ['active', 'paused'] }) status!: string;
}

export class SignupWabaDto {
  @ApiProperty({ type: String }) wabaId!: string;
  @ApiProperty({ type: Boolean, description: 'Our app receives the WABA\'s webhooks (subscribed_apps)' }) subscribed!: boolean;
  @ApiProperty({ type: SignupNumberDto, isArray: true }) phoneNumbers!: SignupNumberDto[];
}

export class SignupResultDto {
  @ApiProperty({ type: String }) appId!: string;
  @ApiProperty({ type: SignupWabaDto, isArray: true }) wabas!: SignupWabaDto[];
}
