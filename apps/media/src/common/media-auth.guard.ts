import { Injectable } from '@nestjs/common';
import { InternalAuthGuard } from '@wabridge/http';
import { MediaEnv } from '../media.env';

/** The shared internal-token guard, wired to this service's INTERNAL_TOKEN. */
@Injectable()
export class MediaAuthGuard extends InternalAuthGuard {
  constructor(env: MediaEnv) {
    super(env.INTERNAL_TOKEN);
  }
}
