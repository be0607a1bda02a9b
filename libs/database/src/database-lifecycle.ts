import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry } from '@wabridge/telemetry';
import { DataSource } from 'typeorm';
import { databaseReadinessCheck } from './run-migrations';

/**
 * A Nest provider for a service's DataSource (provided as `{ provide: DataSource, useValue }`):
 * reports Postgres in `/health/ready` and closes the pool last, after consumers, workers and
 * HTTP have stopped (shutdown hooks run in reverse order of creation).
 */
@Injectable()
export class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(private readonly ds: DataSource, health: HealthRegistry) {
    health.register('postgres', databaseReadinessCheck(ds));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
