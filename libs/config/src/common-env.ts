import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { ProductionSecret } from './production-secrets';
import { IsReadableFile } from './readable-file';

export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

type SaslEnv = { KAFKA_SASL_MECHANISM?: string; KAFKA_SASL_USERNAME_FILE?: string; KAFKA_SASL_PASSWORD_FILE?: string };

/** Variables every service reads. Apps extend this class with their own. */
export class BaseEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsString()
  HOST = '127.0.0.1';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Comma-separated host:port list. */
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /** Appended to every topic name (tests use it to isolate runs); empty in production. */
  @IsOptional()
  @Matches(/^[a-zA-Z0-9._-]*$/, { message: 'may hold only letters, digits, dot, dash and underscore' })
  TOPIC_SUFFIX = '';

  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_PARTITIONS = 6;

  /**
   * Create the topics a service uses at boot when missing (dev, test). Production sets false:
   * Strimzi's KafkaTopic resources own them, and a missing topic fails readiness instead.
   */
  @IsBoolean({ message: 'must be true or false' })
  KAFKA_CREATE_TOPICS = true;

  /** TLS to the brokers (SSL or SASL_SSL listeners). The CA defaults to Node's trust store. */
  @IsBoolean({ message: 'must be true or false' })
  KAFKA_SSL = false;

  /** PEM CA bundle the brokers' certificates chain to (a private CA: Strimzi's cluster CA). */
  @IsOptional()
  @IsReadableFile()
  KAFKA_SSL_CA_FILE?: string;

  /** PEM client certificate for mutual TLS (with KAFKA_SSL_KEY_FILE). */
  @ValidateIf((e: { KAFKA_SSL_CERT_FILE?: string; KAFKA_SSL_KEY_FILE?: string }) => e.KAFKA_SSL_CERT_FILE !== undefined || e.KAFKA_SSL_KEY_FILE !== undefined)
  @IsReadableFile({ message: 'must name a readable file; KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together' })
  KAFKA_SSL_CERT_FILE?: string;

  @ValidateIf((e: { KAFKA_SSL_CERT_FILE?: string; KAFKA_SSL_KEY_FILE?: string }) => e.KAFKA_SSL_CERT_FILE !== undefined || e.KAFKA_SSL_KEY_FILE !== undefined)
  @IsReadableFile({ message: 'must name a readable file; KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together' })
  KAFKA_SSL_KEY_FILE?: string;

  /** SASL authentication; unset = none. */
  @IsOptional()
  @IsIn(KAFKA_SASL_MECHANISMS, { message: `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}` })
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;

  @ValidateIf((e: SaslEnv) => e.KAFKA_SASL_MECHANISM !== undefined && e.KAFKA_SASL_USERNAME_FILE === undefined)
  @IsNotEmpty({ message: 'is required when KAFKA_SASL_MECHANISM is set (or KAFKA_SASL_USERNAME_FILE)' })
  KAFKA_SASL_USERNAME?: string;

  @IsOptional()
  @IsReadableFile()
  KAFKA_SASL_USERNAME_FILE?: string;

  /** Never the local listener's development password in production. */
  @ProductionSecret({ required: false })
  @ValidateIf((e: SaslEnv) => e.KAFKA_SASL_MECHANISM !== undefined && e.KAFKA_SASL_PASSWORD_FILE === undefined)
  @IsNotEmpty({ message: 'is required when KAFKA_SASL_MECHANISM is set (or KAFKA_SASL_PASSWORD_FILE)' })
  KAFKA_SASL_PASSWORD?: string;

  /** A mounted secret holding the password (trailing newline ignored); wins over KAFKA_SASL_PASSWORD. */
  @IsOptional()
  @IsReadableFile()
  KAFKA_SASL_PASSWORD_FILE?: string;

  /** Not required (a passwordless local default exists), but never the compose dev password in production. */
  @ProductionSecret({ required: false })
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/wabridge';

  /**
   * Create the database DATABASE_URL names when it is missing (dev, test). A managed database
   * (RDS, Cloud SQL, Azure) usually denies CREATE DATABASE: set false there, and a missing
   * database fails the boot with a message saying so (ADR 0176).
   */
  @IsBoolean({ message: 'must be true or false' })
  DATABASE_CREATE = true;

  /**
   * Send search_path, statement_timeout and idle_in_transaction_session_timeout as startup
   * options of each connection. PgBouncer (transaction mode) drops or refuses them: set false
   * there, and give each service's role those settings with ALTER ROLE (ADR 0176, docs/deploy.md).
   */
  @IsBoolean({ message: 'must be true or false' })
  DATABASE_STARTUP_OPTIONS = true;

  /**
   * Serve HTTPS (TLS >= 1.2) on the service's port with this PEM certificate chain and key,
   * for deployments without a TLS-terminating ingress; both or neither.
   */
  @ValidateIf((e: { TLS_CERT_FILE?: string; TLS_KEY_FILE?: string }) => e.TLS_CERT_FILE !== undefined || e.TLS_KEY_FILE !== undefined)
  @IsReadableFile({ message: 'must name a readable file; TLS_CERT_FILE and TLS_KEY_FILE go together' })
  TLS_CERT_FILE?: string;

  @ValidateIf((e: { TLS_CERT_FILE?: string; TLS_KEY_FILE?: string }) => e.TLS_CERT_FILE !== undefined || e.TLS_KEY_FILE !== undefined)
  @IsReadableFile({ message: 'must name a readable file; TLS_CERT_FILE and TLS_KEY_FILE go together' })
  TLS_KEY_FILE?: string;

  /** PEM CA bundle to send with the chain (intermediates not in TLS_CERT_FILE). */
  @IsOptional()
  @IsReadableFile()
  TLS_CA_FILE?: string;

  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces; unset = no export. */
  @IsOptional()
  @IsString()
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
}
