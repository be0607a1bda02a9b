import { Injectable } from '@nestjs/common';
import { InternalAuthGuard } from '@wabridge/http';
import { ConversationsEnv } from '../conversations.env';

/** The shared internal-token guard, wired to this service's INTERNAL_TOKEN. */
@Injectable()
export class ConversationsAuthGuard extends InternalAuthGuard {
  constructor(env: ConversationsEnv) {
    super(env.INTERNAL_TOKEN);
  }
}
