import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AccountControlController } from './account-control.controller';
import { AccountControlService } from './account-control.service';

/** Meta's account state simulated: quality, tier, throughput, name, coexistence, review, bans (issue 18). */
@Module({
  imports: [WebhooksModule],
  controllers: [AccountControlController],
  providers: [AccountControlService],
})
export class AccountModule {}
