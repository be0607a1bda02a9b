import { ApiBody, ApiConsumes, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Header, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { AcceptsBodyTypes } from '@wabridge/http';
import { OAuthError, OAuthService } from './oauth.service';
import { SigningKeysService } from './signing-keys.service';

/** Largest token request body read (a client_credentials request is a few hundred bytes). */
const TOKEN_BODY_LIMIT = 8 * 1024;

const OAUTH_ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string', enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type', 'invalid_scope'] },
    error_description: { type: 'string' },
  },
};

/** Reads the body whatever its content type: JSON (parsed by Fastify) or form (a stream, parsed here). */
async function tokenRequestFields(req: FastifyRequest): Promise<Record<string, string>> {
  const body: unknown = req.body;
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > TOKEN_BODY_LIMIT) throw new OAuthError(400, 'invalid_request', 'request body too large');
      chunks.push(chunk as Buffer);
    }
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
      throw new OAuthError(400, 'invalid_request', 'send application/x-www-form-urlencoded (RFC 6749) or application/json');
    }
    return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  }
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new OAuthError(400, 'invalid_request', 'the body must be an object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v !== 'string') throw new OAuthError(400, 'invalid_request', `${k} must be a string`);
    out[k] = v;
  }
  return out;
}

/** `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1), or undefined. */
export function basicCredentials(header: string | string[] | undefined): { id: string; secret: string } | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) };
  } catch {
    return undefined;
  }
}

/**
 * The OAuth2 token endpoint (RFC 6749 §4.4 client credentials) and the JWKS. Errors here use
 * RFC 6749 §5.2's shape `{error, error_description}` — what OAuth client libraries parse —
 * not the API's `{error:{code,message}}` (ADR 0160).
 */
@Controller()
@ApiTags('oauth')
export class OAuthController {
  constructor(
    private readonly oauth: OAuthService,
    private readonly keys: SigningKeysService,
  ) {}

  @Post('oauth/token')
  @AcceptsBodyTypes('application/x-www-form-urlencoded')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    schema: {
      type: 'object', required: ['grant_type'],
      properties: {
        grant_type: { type: 'string', enum: ['client_credentials'] },
        scope: { type: 'string', description: 'Space-separated; a subset of the client\'s scopes (default: all of them)' },
        client_id: { type: 'string', description: 'Unless sent with HTTP Basic' },
        client_secret: { type: 'string', description: 'Unless sent with HTTP Basic' },
      },
    },
  })
  @ApiResponse({
    status: 200, description: 'An access token (a JWT signed with EdDSA; verify with /.well-known/jwks.json)',
    schema: { type: 'object', required: ['access_token', 'token_type', 'expires_in', 'scope'], properties: { access_token: { type: 'string' }, token_type: { type: 'string', enum: ['Bearer'] }, expires_in: { type: 'integer' }, scope: { type: 'string' } } },
  })
  @ApiResponse({ status: 400, schema: OAUTH_ERROR_SCHEMA, description: 'invalid_request, unsupported_grant_type, invalid_scope' })
  @ApiResponse({ status: 401, schema: OAUTH_ERROR_SCHEMA, description: 'invalid_client' })
  async token(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const basic = basicCredentials(req.headers.authorization);
    try {
      const fields = await tokenRequestFields(req);
      if (!fields.grant_type) throw new OAuthError(400, 'invalid_request', 'grant_type is required');
      if (fields.grant_type !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'only grant_type=client_credentials is supported');
      if (basic && (fields.client_id !== undefined && fields.client_id !== basic.id || fields.client_secret !== undefined)) {
        throw new OAuthError(400, 'invalid_request', 'send the client credentials either with HTTP Basic or in the body, not both');
      }
      const id = basic?.id ?? fields.client_id;
      const secret = basic?.secret ?? fields.client_secret;
      if (!id || !secret) throw new OAuthError(401, 'invalid_client', 'client authentication is required (HTTP Basic or client_id + client_secret)');
      void reply.status(200).send(await this.oauth.issueToken(id, secret, fields.scope));
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      if (err.status === 401 && basic) void reply.header('www-authenticate', 'Basic realm="wabridge", charset="UTF-8"');
      void reply.status(err.status).send({ error: err.error, error_description: err.description });
    }
  }

  @Get('.well-known/jwks.json')
  @Header('cache-control', 'public, max-age=60')
  @ApiResponse({ status: 200, description: 'The public keys (Ed25519, OKP) that verify live access tokens, newest first', schema: { type: 'object', properties: { keys: { type: 'array', items: { type: 'object' } } } } })
  jwks() {
    return this.keys.jwks();
  }
}
