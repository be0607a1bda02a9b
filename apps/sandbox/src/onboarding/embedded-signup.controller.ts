import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, UsePipes } from '@nestjs/common';
import { controlValidationPipe } from '../control/control-validation.pipe';
import { EmbeddedSignupDto, SandboxAppDto } from './embedded-signup.dto';
import { EmbeddedSignupService } from './embedded-signup.service';

/** Controls that stand in for Meta's app dashboard and the embedded-signup dialog. */
@Controller('_sandbox')
@UsePipes(controlValidationPipe())
export class EmbeddedSignupControlController {
  constructor(private readonly signup: EmbeddedSignupService) {}

  /** Creates or replaces an app (its secret and webhook callback URL). */
  @Post('apps')
  @HttpCode(201)
  app(@Body() dto: SandboxAppDto): { appId: string; callbackUrl: string } {
    return this.signup.upsertApp(dto);
  }

  /** A business finished embedded signup sharing `wabaId` and its numbers with `appId`: the code the page would get. */
  @Post('embedded-signup')
  @HttpCode(201)
  create(@Body() dto: EmbeddedSignupDto): { code: string; expiresAt: string } {
    return this.signup.createSignup(dto);
  }
}

/** The Graph endpoints of the embedded-signup exchange and webhook subscription. */
@Controller(':version')
export class EmbeddedSignupGraphController {
  constructor(private readonly signup: EmbeddedSignupService) {}

  @Get('oauth/access_token')
  exchange(@Param('version') version: string, @Query() query: Record<string, string | undefined>): { access_token: string; token_type: string } {
    return this.signup.exchange(version, query);
  }

  @Get('debug_token')
  debugToken(@Param('version') version: string, @Query('input_token') inputToken: string | undefined): { data: Record<string, unknown> } {
    return this.signup.debugToken(version, inputToken);
  }

  @Get(':wabaId/phone_numbers')
  phoneNumbers(@Param('version') version: string, @Param('wabaId') wabaId: string, @Headers('authorization') auth: string | undefined): Record<string, unknown> {
    return this.signup.phoneNumbers(version, wabaId, auth);
  }

  @Post(':wabaId/subscribed_apps')
  @HttpCode(200)
  subscribe(@Param('version') version: string, @Param('wabaId') wabaId: string, @Headers('authorization') auth: string | undefined): { success: true } {
    return this.signup.subscribe(version, wabaId, auth);
  }

  @Get(':wabaId/subscribed_apps')
  subscriptions(@Param('version') version: string, @Param('wabaId') wabaId: string, @Headers('authorization') auth: string | undefined): Record<string, unknown> {
    return this.signup.listSubscriptions(version, wabaId, auth);
  }

  @Delete(':wabaId/subscribed_apps')
  unsubscribe(@Param('version') version: string, @Param('wabaId') wabaId: string, @Headers('authorization') auth: string | undefined): { success: true } {
    return this.signup.unsubscribe(version, wabaId, auth);
  }
}
