import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ProductionSecret } from './production-secrets';

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

  /** Not required (a passwordless local default exists), but never the compose dev password in production. */
  @ProductionSecret({ required: false })
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/wabridge';

  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces; unset = no export. */
  @IsOptional()
  @IsString()
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
}
