import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ObservabilityModule } from '@wabridge/telemetry';
import { AccountModule } from './account/account.module';
import { AccountStateStore } from './account/account-state.store';
import { WabaNode } from './account/waba-node';
import { CallsLog } from './calls/calls-log';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { Clock, Random } from './common/clock';
import { IdFactory } from './common/ids';
import { CLOCK, RANDOM, SANDBOX_SETTINGS, SandboxSettings } from './config/sandbox-settings';
import { ControlModule } from './control/control.module';
import { FaultRegistry } from './faults/fault-registry';
import { GraphModule } from './graph/graph.module';
import { MediaStore } from './media/media-store';
import { NumberRegistry } from './numbers/number-registry';
import { OnboardingModule } from './onboarding/onboarding.module';
import { RulesModule } from './rules/rules.module';
import { WEBHOOK_POSTER, WebhookPoster } from './webhooks/webhook-outbox';

export interface SandboxModuleOptions {
  settings: SandboxSettings;
  clock: Clock;
  random: Random;
  poster: WebhookPoster;
}

/** State every feature shares: configuration, time, ids, numbers, the calls log, faults, media. */
@Global()
@Module({})
class SandboxCoreModule {
  static forRoot(options: SandboxModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: SANDBOX_SETTINGS, useValue: options.settings },
      { provide: CLOCK, useValue: options.clock },
      { provide: RANDOM, useValue: options.random },
      { provide: WEBHOOK_POSTER, useValue: options.poster },
      IdFactory,
      { provide: NumberRegistry, useFactory: () => new NumberRegistry(options.settings.numbersMax) },
      { provide: CallsLog, useFactory: () => new CallsLog(options.settings.callsLogMax) },
      { provide: FaultRegistry, useFactory: () => new FaultRegistry(options.random, options.settings.numbersMax) },
      { provide: MediaStore, useFactory: () => new MediaStore(options.clock, options.settings.mediaStoreMaxBytes) },
      { provide: AccountStateStore, useFactory: () => new AccountStateStore(options.settings.numbersMax) },
      WabaNode,
    ];
    return { module: SandboxCoreModule, providers, exports: providers };
  }
}

@Module({})
export class SandboxModule {
  static forRoot(options: SandboxModuleOptions): DynamicModule {
    return {
      module: SandboxModule,
      imports: [SandboxCoreModule.forRoot(options), ObservabilityModule.forRoot({ serviceName: 'sandbox' }), RulesModule, GraphModule, ControlModule, OnboardingModule, AccountModule],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
