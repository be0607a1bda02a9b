import { need, Options, UsageError } from '../args';
import { Context, tenantClient } from '../context';
import { formatObject } from '../output';

/** `numbers` actions a tenant runs with its own key (ADR 0167, 0168): embedded signup and registration. */
export const REGISTRATION_ACTIONS = ['signup', 'request-code', 'verify-code', 'register', 'two-step'] as const;

const STEP_PATH = {
  'request-code': '/v1/phone-numbers/{phoneNumberId}/request-code',
  'verify-code': '/v1/phone-numbers/{phoneNumberId}/verify-code',
  register: '/v1/phone-numbers/{phoneNumberId}/register',
  'two-step': '/v1/phone-numbers/{phoneNumberId}/two-step-verification',
} as const;

/** The request of a registration action (pure): the route and its body. */
export function buildRegistrationRequest(action: string, args: string[], o: Options): { path: string; phoneNumberId?: string; body: Record<string, unknown> } {
  const where = `numbers ${action}`;
  if (action === 'signup') return { path: '/v1/onboarding/embedded-signup', body: { code: need(o.code, '--code <code from the embedded-signup dialog>', where), ...(o.app ? { appId: o.app } : {}) } };
  const phoneNumberId = need(args[0], '<phoneNumberId>', where);
  if (!/^\d{1,32}$/.test(phoneNumberId)) throw new UsageError(`${where}: <phoneNumberId> is Meta's numeric id`);
  const path = STEP_PATH[action as keyof typeof STEP_PATH];
  if (action === 'request-code') {
    const codeMethod = (o.method ?? 'SMS').toUpperCase();
    if (codeMethod !== 'SMS' && codeMethod !== 'VOICE') throw new UsageError(`${where}: --method is SMS or VOICE`);
    return { path, phoneNumberId, body: { codeMethod, language: o.language ?? 'en_US' } };
  }
  if (action === 'verify-code') return { path, phoneNumberId, body: { code: need(o.code, '--code <6 digits>', where) } };
  const pin = need(o.pin, '--pin <6 digits>', where);
  if (!/^\d{6}$/.test(pin)) throw new UsageError(`${where}: --pin is 6 digits`);
  return { path, phoneNumberId, body: { pin } };
}

export async function numberRegistration(ctx: Context): Promise<void> {
  const req = buildRegistrationRequest(ctx.inv.action!, ctx.inv.args, ctx.inv.options);
  const wa = tenantClient(ctx);
  const answer = await wa.post(req.path as never, { ...(req.phoneNumberId ? { path: { phoneNumberId: req.phoneNumberId } } : {}), body: req.body } as never);
  ctx.out.result(answer, formatObject);
}
