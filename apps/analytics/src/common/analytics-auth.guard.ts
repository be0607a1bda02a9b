import { Injectable } from '@nestjs/common';
import { InternalAuthGuard } from '@wabridge/http';
import { AnalyticsEnv } from '../analytics.env';

/** The shared internal-token guard, wired to this service's INTERNAL_TOKEN. */
@Injectable()
export class AnalyticsAuthGuard extends InternalAuthGuard {
  constructor(env: AnalyticsEnv) {
    super(env.INTERNAL_TOKEN);
  }
}
