import { Global, Module } from '@nestjs/common';
import { Clock, Random } from '../common/clock';
import { CLOCK, RANDOM, SANDBOX_SETTINGS, SandboxSettings } from '../config/sandbox-settings';
import { ControlModule } from '../control/control.module';
import { EmbeddedSignupControlController, EmbeddedSignupGraphController } from './embedded-signup.controller';
import { EmbeddedSignupService } from './embedded-signup.service';
import { PhoneNumberNode } from './phone-number-node';
import { RegistrationBook } from './registration-book';
import { RegistrationController } from './registration.controller';

/**
 * Becoming a sender: phone number registration (codes, two-step PIN) and embedded signup.
 * Global because the send path (133010 for an unregistered number) and `GET /{version}/{id}`
 * (the phone number node) read the registration state.
 */
@Global()
@Module({
  imports: [ControlModule],
  controllers: [RegistrationController, EmbeddedSignupControlController, EmbeddedSignupGraphController],
  providers: [
    { provide: RegistrationBook, inject: [CLOCK, RANDOM, SANDBOX_SETTINGS], useFactory: (clock: Clock, random: Random, s: SandboxSettings) => new RegistrationBook(clock, random, s.numbersMax) },
    PhoneNumberNode,
    EmbeddedSignupService,
  ],
  exports: [RegistrationBook, PhoneNumberNode],
})
export class OnboardingModule {}
