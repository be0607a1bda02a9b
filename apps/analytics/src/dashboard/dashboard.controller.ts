import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError } from '@wabridge/http';

/**
 * No inline script or style, no other origin: the page's data calls go to the same origin (the
 * gateway's `/v1/analytics/*`, ADR 0124), charts are SVG drawn by our own script.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "form-action 'none'", "base-uri 'none'", "frame-ancestors 'none'",
].join('; ');

export const DASHBOARD_HEADERS: Record<string, string> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-cache',
};

const ASSETS: Record<string, string> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

/** Next to this file in src/ and (copied by the build) in dist/. */
const ASSET_DIR = join(__dirname, 'assets');

/**
 * The dashboard page (DESIGN §12: `GET /dashboard`, also served by the gateway at `/dashboard`).
 * Public HTML and script; the numbers come from `/v1/analytics/*` with the user's API key, so the
 * page works through the gateway (the service's own API wants the internal token).
 */
@Controller('dashboard')
export class DashboardController {
  private readonly files = new Map<string, Buffer>();

  constructor() {
    for (const name of ['index.html', ...Object.keys(ASSETS)]) this.files.set(name, readFileSync(join(ASSET_DIR, name)));
  }

  @Get()
  page(@Res() reply: FastifyReply): Promise<void> {
    return this.send(reply, 'index.html', 'text/html; charset=utf-8');
  }

  @Get(':asset')
  asset(@Param('asset') asset: string, @Res() reply: FastifyReply): Promise<void> {
    const type = Object.hasOwn(ASSETS, asset) ? ASSETS[asset] : undefined;
    if (!type) throw ApiError.notFound(`dashboard asset ${asset.slice(0, 64)}`);
    return this.send(reply, asset, type);
  }

  private async send(reply: FastifyReply, name: string, type: string): Promise<void> {
    await reply.status(200).headers({ ...DASHBOARD_HEADERS, 'content-type': type }).send(this.files.get(name));
  }
}
