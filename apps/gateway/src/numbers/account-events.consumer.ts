import { ApiExcludeController } from '@nestjs/swagger';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ACCOUNT_EVENT_V1, AccountEventV1 } from '@wabridge/contracts';
import { TemplatesService } from '../templates/templates.service';
import { AccountStateService } from './account-state.service';

/**
 * The gateway's one handler of Meta's account events: template status/quality/category reach
 * the template mirror, number and WABA state (quality, tier, name, review, bans, restrictions,
 * capability) the registry (ADR 0163). Each service ignores the fields that are not its own.
 */
@Controller()
@ApiExcludeController() // a Kafka consumer, no HTTP routes
export class AccountEventsConsumer {
  constructor(
    private readonly templates: TemplatesService,
    private readonly state: AccountStateService,
  ) {}

  @EventPattern(ACCOUNT_EVENT_V1.topic)
  async onAccountEvent(@Payload() event: AccountEventV1): Promise<void> {
    await this.templates.applyAccountEvent(event);
    await this.state.applyAccountEvent(event);
  }
}
