import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { BaseEnv, ProductionSecret } from '@wabridge/config';

export class IngressEnv extends BaseEnv {
  @IsInt() @Min(0) @Max(65535)
  PORT = 3001;

  /**
   * Internal listener for `/health/live`, `/health/ready` and `/metrics` (ADR 0074): the public
   * PORT (Meta's webhooks) does not serve them. 0 = any free port.
   */
  @IsInt() @Min(0) @Max(65535)
  MANAGEMENT_PORT = 9301;

  /** Interface of the management listener; unset = HOST. */
  @IsOptional() @IsString()
  MANAGEMENT_HOST?: string;

  /** The local/default Meta app (DESIGN.md §11); the gateway's registry adds more. */
  @IsString() @Length(1, 128)
  META_APP_ID = 'local';

  /** The built-in value is for development only: production requires a real one. */
  @ProductionSecret() @IsString() @Length(8, 256)
  META_APP_SECRET = 'local-app-secret-change-me';

  @ProductionSecret() @IsString() @Length(8, 256)
  META_VERIFY_TOKEN = 'local-verify-token';

  /** Meta sends up to 3 MB per webhook. */
  @IsInt() @Min(1024) @Max(16 * 1024 * 1024)
  WEBHOOK_BODY_LIMIT = 3 * 1024 * 1024;

  /** How long a webhook POST may wait for Kafka's acks=all before answering 503. */
  @IsInt() @Min(100) @Max(60000)
  PRODUCE_TIMEOUT_MS = 5000;

  @IsString()
  NORMALIZER_GROUP_ID = 'ingress-normalizer';

  /**
   * A change naming a phone number/WABA no registered number has (ADR 0071): `accept` stamps it
   * with the signing app (counted as unbound), `drop` drops it like a foreign one.
   */
  @IsIn(['accept', 'drop'])
  UNKNOWN_NUMBER_POLICY: 'accept' | 'drop' = 'accept';

  /**
   * At boot the normalizer waits until the app/number registry is read to where it stood
   * (else every number looks unknown for a moment), at most this long; not ready meanwhile.
   */
  @IsInt() @Min(0) @Max(600000)
  REGISTRY_CATCH_UP_TIMEOUT_MS = 15000;

  /** Keys to open app secrets published by the gateway (`wa.app.changed.v1`); unset = env app only. */
  @ProductionSecret({ required: false }) @IsOptional() @IsString()
  ENCRYPTION_KEYS?: string;

  /** The service's own Postgres schema (tests use a fresh one). */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/)
  DATABASE_SCHEMA = 'ingress';

  /** Dedupe memory: Meta retries for up to 7 days, so keep processed ids 8. */
  @IsInt() @Min(1) @Max(90)
  DEDUPE_RETENTION_DAYS = 8;
}
