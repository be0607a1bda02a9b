import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PUBLIC_EVENT_TYPES, PublicEventType } from '@wabridge/contracts';

export class CreateEndpointBody {
  @IsString() @MaxLength(2048) url!: string;
  @IsOptional() @IsString() @MaxLength(2048) fallbackUrl?: string;
  /** Event types to receive; absent = every type (also types added later). */
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(PUBLIC_EVENT_TYPES.length) @IsIn(PUBLIC_EVENT_TYPES, { each: true }) events?: PublicEventType[];
  /** Numbers whose events to receive; absent = every number of the tenant. */
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @Matches(/^\d{1,32}$/, { each: true }) phoneNumberIds?: string[];
  @IsOptional() @IsString() @MaxLength(500) description?: string;
}

/** A field set to null is cleared (fallbackUrl, events, phoneNumberIds, description). */
export class PatchEndpointBody {
  @IsOptional() @IsString() @MaxLength(2048) url?: string;
  @ValidateIf((_o, v) => v !== null) @IsOptional() @IsString() @MaxLength(2048) fallbackUrl?: string | null;
  @ValidateIf((_o, v) => v !== null) @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(PUBLIC_EVENT_TYPES.length) @IsIn(PUBLIC_EVENT_TYPES, { each: true }) events?: PublicEventType[] | null;
  @ValidateIf((_o, v) => v !== null) @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @Matches(/^\d{1,32}$/, { each: true }) phoneNumberIds?: string[] | null;
  @ValidateIf((_o, v) => v !== null) @IsOptional() @IsString() @MaxLength(500) description?: string | null;
  @IsOptional() @IsBoolean() enabled?: boolean;
}

export class ReplayQuery {
  @IsISO8601() since!: string;
  @IsOptional() @IsISO8601() until?: string;
  /** Comma-separated event types. */
  @IsOptional() @Matches(/^[a-z_.]+(,[a-z_.]+)*$/) types?: string;
}

export class DeliveriesQuery {
  @IsOptional() @IsIn(['pending', 'delivered', 'dead']) status?: 'pending' | 'delivered' | 'dead';
  @IsOptional() @Matches(/^\d{1,19}$/) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}
