import { IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';

/** `POST /_sandbox/faults`. */
export class FaultDto {
  @IsString() @IsNotEmpty()
  phoneNumberId!: string;

  @IsOptional() @IsInt() @Min(0) @Max(120_000)
  latencyMs?: number;

  @IsOptional() @IsNumber() @Min(0) @Max(1)
  errorRate?: number;

  @IsOptional() @IsInt() @Min(0)
  errorCode?: number;

  @IsOptional() @IsInt() @Min(400) @Max(599)
  httpStatus?: number;
}
