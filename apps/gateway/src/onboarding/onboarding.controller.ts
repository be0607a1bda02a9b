import { ApiBearerAuth, ApiOkResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { CurrentPrincipal, Principal, RequireScopes } from '../auth/principal';
import { EmbeddedSignupService, SignupResult } from './embedded-signup.service';
import { EmbeddedSignupDto, PinDto, RegistrationViewDto, RequestCodeDto, SignupResultDto, VerifyCodeDto } from './onboarding.dto';
import { RegistrationService, RegistrationView } from './registration.service';

/** Tenant self-service onboarding: embedded signup and number registration (scope `admin`). */
@Controller('v1')
@UseGuards(ApiAuthGuard)
@ApiTags('onboarding')
@ApiBearerAuth('apiKey')
@RequireScopes('admin')
export class OnboardingController {
  constructor(private readonly signup: EmbeddedSignupService, private readonly registration: RegistrationService) {}

  @Post('onboarding/embedded-signup')
  @HttpCode(201)
  @ApiOperation({ summary: 'Exchange an embedded-signup code: discovers the shared WABAs and numbers, subscribes our app to their webhooks, adds the numbers (pending until registered). Retrying the same code answers the same; 409 if a WABA or number belongs to another tenant.' })
  @ApiCreatedResponse({ type: SignupResultDto })
  embeddedSignup(@CurrentPrincipal() p: Principal, @Body() body: EmbeddedSignupDto): Promise<SignupResult> {
    return this.signup.exchange(p.tenantId, body.code, body.appId);
  }

  @Post('phone-numbers/:phoneNumberId/request-code')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ask Meta to send a verification code to the number (SMS or voice)' })
  @ApiOkResponse({ type: RegistrationViewDto })
  requestCode(@CurrentPrincipal() p: Principal, @Param('phoneNumberId') id: string, @Body() body: RequestCodeDto): Promise<RegistrationView> {
    return this.registration.requestCode(p.tenantId, id, body.codeMethod, body.language);
  }

  @Post('phone-numbers/:phoneNumberId/verify-code')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify the number with the code Meta sent (400 verification_code_invalid / verification_code_expired)' })
  @ApiOkResponse({ type: RegistrationViewDto })
  verifyCode(@CurrentPrincipal() p: Principal, @Param('phoneNumberId') id: string, @Body() body: VerifyCodeDto): Promise<RegistrationView> {
    return this.registration.verifyCode(p.tenantId, id, body.code);
  }

  @Post('phone-numbers/:phoneNumberId/register')
  @HttpCode(200)
  @ApiOperation({ summary: 'Register a verified number for the Cloud API with its two-step PIN (sets it the first time); the number becomes active (409 verification_required, 400 two_step_pin_mismatch)' })
  @ApiOkResponse({ type: RegistrationViewDto })
  register(@CurrentPrincipal() p: Principal, @Param('phoneNumberId') id: string, @Body() body: PinDto): Promise<RegistrationView> {
    return this.registration.register(p.tenantId, id, body.pin);
  }

  @Post('phone-numbers/:phoneNumberId/two-step-verification')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set or change the two-step verification PIN (never stored here)' })
  @ApiOkResponse({ type: RegistrationViewDto })
  twoStep(@CurrentPrincipal() p: Principal, @Param('phoneNumberId') id: string, @Body() body: PinDto): Promise<RegistrationView> {
    return this.registration.setTwoStepPin(p.tenantId, id, body.pin);
  }
}
