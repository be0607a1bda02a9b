import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ControlError } from '../common/control-error';
import { bearerToken, checkVersion, invalidToken, unknownObject } from '../common/graph-errors';
import { NumberRegistry } from '../numbers/number-registry';
import { RegistrationBook } from './registration-book';

type Body_ = Record<string, unknown> | undefined;

/**
 * Meta's registration endpoints of a phone number: `request_code`, `verify_code`, `register`,
 * `deregister`, and the two-step verification PIN (`POST /{phone-number-id}` `{pin}`). Each needs
 * the number's token and answers `{success: true}` or a Graph error.
 */
@Controller()
export class RegistrationController {
  constructor(private readonly numbers: NumberRegistry, private readonly book: RegistrationBook) {}

  @Post(':version/:phoneNumberId/request_code')
  @HttpCode(200)
  requestCode(@Param('version') v: string, @Param('phoneNumberId') id: string, @Headers('authorization') auth: string | undefined, @Body() body: Body_): { success: true } {
    this.authorize(v, id, auth);
    this.book.requestCode(id, stringField(body, 'code_method')?.toUpperCase(), stringField(body, 'language'));
    return { success: true };
  }

  @Post(':version/:phoneNumberId/verify_code')
  @HttpCode(200)
  verifyCode(@Param('version') v: string, @Param('phoneNumberId') id: string, @Headers('authorization') auth: string | undefined, @Body() body: Body_): { success: true } {
    this.authorize(v, id, auth);
    this.book.verifyCode(id, body?.code);
    return { success: true };
  }

  @Post(':version/:phoneNumberId/register')
  @HttpCode(200)
  register(@Param('version') v: string, @Param('phoneNumberId') id: string, @Headers('authorization') auth: string | undefined, @Body() body: Body_): { success: true } {
    this.authorize(v, id, auth);
    this.book.register(id, body?.messaging_product, body?.pin);
    return { success: true };
  }

  @Post(':version/:phoneNumberId/deregister')
  @HttpCode(200)
  deregister(@Param('version') v: string, @Param('phoneNumberId') id: string, @Headers('authorization') auth: string | undefined): { success: true } {
    this.authorize(v, id, auth);
    this.book.deregister(id);
    return { success: true };
  }

  /** Two-step verification: sets or changes the number's 6-digit PIN. */
  @Post(':version/:phoneNumberId')
  @HttpCode(200)
  setPin(@Param('version') v: string, @Param('phoneNumberId') id: string, @Headers('authorization') auth: string | undefined, @Body() body: Body_): { success: true } {
    this.authorize(v, id, auth);
    this.book.setPin(id, body?.pin);
    return { success: true };
  }

  /** Control: the code the last `request_code` "sent" (what the owner reads in the SMS or call). */
  @Get('_sandbox/numbers/:phoneNumberId/verification-code')
  code(@Param('phoneNumberId') id: string): { phoneNumberId: string; code: string; method: string; language: string; expiresAt: string } {
    const pending = this.book.pendingCode(id);
    if (!pending) throw new ControlError(404, 'not_found', 'no verification code is pending for this number');
    return { phoneNumberId: id, code: pending.value, method: pending.method, language: pending.language, expiresAt: new Date(pending.expiresAt).toISOString() };
  }

  private authorize(version: string, phoneNumberId: string, authorization: string | undefined): void {
    checkVersion(version);
    const number = this.numbers.get(phoneNumberId);
    if (!number) throw unknownObject(phoneNumberId, 'post');
    if (bearerToken(authorization) !== number.accessToken) throw invalidToken();
  }
}

function stringField(body: Body_, name: string): string | undefined {
  const v = body?.[name];
  return typeof v === 'string' ? v : undefined;
}
