import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SendService } from './send.service';

@Controller()
export class MessagesController {
  constructor(private readonly sends: SendService) {}

  @Post(':version/:phoneNumberId/messages')
  @HttpCode(200)
  async send(
    @Param('version') version: string,
    @Param('phoneNumberId') phoneNumberId: string,
    @Headers('authorization') auth: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const result = await this.sends.send(version, phoneNumberId, auth, body);
    reply.status(result.status);
    return result.body;
  }
}
