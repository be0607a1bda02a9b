import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/** `POST /_sandbox/inbound`: a simulated user writes. `from` is a phone number, or a BSUID for a username user. */
export class InboundDto {
  @IsString() @IsNotEmpty()
  phoneNumberId!: string;

  @IsString() @IsNotEmpty() @MaxLength(64)
  from!: string;

  @IsOptional() @IsString() @MaxLength(256)
  profileName?: string;

  /** Sandbox extra: the `@username` of a username user. */
  @IsOptional() @IsString() @MaxLength(64)
  username?: string;

  /** Meta's inbound message object without `from`/`id`/`timestamp`: `{type, <type>: {...}, context?}`. */
  @IsObject()
  message!: Record<string, unknown>;
}
