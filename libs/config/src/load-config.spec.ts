import { IsInt, IsString, Max, Min } from 'class-validator';
import { BaseEnv, ConfigError, loadConfig } from './index';

class AppEnv extends BaseEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3001;

  @IsString()
  SECRET!: string;
}

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const cfg = loadConfig(AppEnv, { SECRET: 's', PORT: '4000' });
    expect(cfg.PORT).toBe(4000);
    expect(cfg.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(cfg.SECRET).toBe('s');
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(AppEnv, { PORT: 'abc', KAFKA_BROKERS: 'not a broker' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('KAFKA_BROKERS');
    expect(message).toContain('SECRET');
  });

  it('treats empty strings as unset so defaults apply', () => {
    expect(loadConfig(AppEnv, { SECRET: 'x', PORT: '' }).PORT).toBe(3001);
  });
});
