import { Injectable } from '@nestjs/common';
import { InternalAuthGuard } from '@wabridge/http';
import { ContactsEnv } from '../contacts.env';

/** The shared internal-token guard, wired to this service's INTERNAL_TOKEN. */
@Injectable()
export class ContactsAuthGuard extends InternalAuthGuard {
  constructor(env: ContactsEnv) {
    super(env.INTERNAL_TOKEN);
  }
}
