import { Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { IdFactory } from '../common/ids';
import { CLOCK, SANDBOX_SETTINGS, SandboxSettings } from '../config/sandbox-settings';
import { ConversationWindow } from './conversation-window';
import { MarketingLimit } from './marketing-limit';
import { MessagingLimit } from './messaging-limit';
import { NotOnWhatsAppRule } from './not-on-whatsapp';
import { PairLimiter } from './pair-limiter';
import { TemplateRegistry } from './template-registry';
import { ThroughputLimiter } from './throughput-limiter';

/** Meta's rules as plain classes with an injected clock, provided to the Graph and control modules. */
@Global()
@Module({
  providers: [
    { provide: ThroughputLimiter, inject: [CLOCK, SANDBOX_SETTINGS], useFactory: (clock: Clock, s: SandboxSettings) => new ThroughputLimiter(clock, s.numbersMax) },
    { provide: PairLimiter, inject: [CLOCK], useFactory: (clock: Clock) => new PairLimiter(clock) },
    { provide: ConversationWindow, inject: [CLOCK, SANDBOX_SETTINGS], useFactory: (clock: Clock, s: SandboxSettings) => new ConversationWindow(clock, s.windowMs) },
    { provide: NotOnWhatsAppRule, inject: [SANDBOX_SETTINGS], useFactory: (s: SandboxSettings) => new NotOnWhatsAppRule(s.notOnWhatsAppPattern) },
    { provide: MessagingLimit, inject: [CLOCK], useFactory: (clock: Clock) => new MessagingLimit(clock) },
    { provide: MarketingLimit, inject: [CLOCK], useFactory: (clock: Clock) => new MarketingLimit(clock) },
    {
      provide: TemplateRegistry,
      inject: [CLOCK, SANDBOX_SETTINGS, IdFactory],
      useFactory: (clock: Clock, s: SandboxSettings, ids: IdFactory) => new TemplateRegistry(clock, s.templateReviewDelayMs, () => ids.numericId()),
    },
  ],
  exports: [ThroughputLimiter, PairLimiter, ConversationWindow, NotOnWhatsAppRule, MessagingLimit, MarketingLimit, TemplateRegistry],
})
export class RulesModule {}
