import { Controller, Get, Header, Res } from '@nestjs/common';
import { metricsRegistry } from '../metrics/metrics-registry';
import { HealthRegistry, type ReadinessReport } from './health.registry';

/** The part of a Fastify reply (or Express response) this controller uses. */
interface StatusReply {
  status(code: number): unknown;
}

@Controller()
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  // The 503 is set on the reply instead of thrown, so an app's global exception filter (which
  // rewrites errors into `{ error: {...} }`) cannot change what probes and operators read.
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) reply: StatusReply): Promise<ReadinessReport> {
    const report = await this.registry.check();
    reply.status(report.status === 'ok' ? 200 : 503);
    return report;
  }

  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  @Header('Cache-Control', 'no-store')
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
