import { Injectable } from '@nestjs/common';
import { InternalAuthGuard } from '@wabridge/http';
import { CampaignsEnv } from '../campaigns.env';

/** The shared internal-token guard, wired to this service's INTERNAL_TOKEN. */
@Injectable()
export class CampaignsAuthGuard extends InternalAuthGuard {
  constructor(env: CampaignsEnv) {
    super(env.INTERNAL_TOKEN);
  }
}
