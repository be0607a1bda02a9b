import { Injectable } from '@nestjs/common';
import { InternalAuthGuard } from '@wabridge/http';
import { NotifierEnv } from '../notifier.env';

/** The shared internal-token guard, wired to this service's INTERNAL_TOKEN. */
@Injectable()
export class NotifierAuthGuard extends InternalAuthGuard {
  constructor(env: NotifierEnv) {
    super(env.INTERNAL_TOKEN);
  }
}
