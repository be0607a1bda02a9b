import { Inject, Injectable, Logger } from '@nestjs/common';
import { ulid } from 'ulid';
import { ApiError, FieldProblem, TargetGuard, TargetRefusedError } from '@wabridge/http';
import { Clock } from '@wabridge/time';
import { ConversationsEnv } from '../conversations.env';
import { CLOCK } from '../conversations.tokens';
import { AutomationRule } from './automation-rule';
import { CreateRuleBody, DEFAULT_COOLDOWN_SECONDS, parseActions, parseTrigger, UpdateRuleBody } from './automation-rules.dto';
import { AutomationRulesRepository } from './automation-rules.repository';
import { RuleSet } from './rule-matcher';

/** Rule ids are ULIDs: anything else is not one of ours (404, never a query). */
const RULE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * The rules API (ADR 0133) and the compiled rules the evaluation reads: cached per tenant and
 * number for AUTOMATIONS_RULE_CACHE_MS, dropped at once on a change made through this instance.
 */
@Injectable()
export class AutomationRulesService {
  private readonly log = new Logger(AutomationRulesService.name);
  private readonly cache = new Map<string, { at: number; set: Promise<RuleSet> }>();
  readonly guard: TargetGuard;

  constructor(
    private readonly repo: AutomationRulesRepository,
    private readonly env: ConversationsEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.guard = new TargetGuard({
      allow: env.AUTOMATIONS_ALLOWED_TARGETS, allowSource: 'AUTOMATIONS_ALLOWED_TARGETS', purpose: 'automation forwards', requireHttps: env.NODE_ENV === 'production',
    });
  }

  /** The number's enabled rules, compiled (an empty set when it has none). */
  rulesFor(tenantId: string, phoneNumberId: string): Promise<RuleSet> {
    const key = `${tenantId}\u0000${phoneNumberId}`;
    const now = this.clock.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.env.AUTOMATIONS_RULE_CACHE_MS) return hit.set;
    const set = this.repo.list(tenantId, phoneNumberId).then((rules) => {
      const compiled = new RuleSet(rules);
      for (const b of compiled.broken) this.log.warn(`automation rule ${b.id} of tenant ${tenantId} skipped: ${b.reason}`);
      return compiled;
    });
    this.cache.set(key, { at: now, set });
    set.catch(() => this.cache.delete(key));
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return set;
  }

  private forget(tenantId: string, phoneNumberId: string): void {
    this.cache.delete(`${tenantId}\u0000${phoneNumberId}`);
  }

  list(tenantId: string, phoneNumberId?: string): Promise<AutomationRule[]> {
    return this.repo.list(tenantId, phoneNumberId);
  }

  async get(tenantId: string, id: string): Promise<AutomationRule> {
    const rule = RULE_ID.test(id) ? await this.repo.get(tenantId, id) : undefined;
    if (!rule) throw ApiError.notFound('automation rule');
    return rule;
  }

  async create(tenantId: string, body: CreateRuleBody): Promise<AutomationRule> {
    const { trigger, actions } = await this.checked(body.trigger, body.actions);
    const now = new Date(this.clock.now()).toISOString();
    const rule = await this.repo.insert(tenantId, {
      id: ulid(), phoneNumberId: body.phoneNumberId, position: body.position, name: body.name, enabled: body.enabled ?? true,
      continueAfter: body.continueAfter ?? false, cooldownSeconds: body.cooldownSeconds ?? DEFAULT_COOLDOWN_SECONDS, trigger, actions,
      createdAt: now, updatedAt: now,
    }, this.env.AUTOMATIONS_MAX_RULES_PER_TENANT);
    if (!rule) {
      throw new ApiError(409, 'limit_reached', `a tenant may hold at most ${this.env.AUTOMATIONS_MAX_RULES_PER_TENANT} automation rules; delete some first`);
    }
    this.forget(tenantId, rule.phoneNumberId);
    return rule;
  }

  async update(tenantId: string, id: string, body: UpdateRuleBody): Promise<AutomationRule> {
    const current = await this.get(tenantId, id);
    const { trigger, actions } = await this.checked(body.trigger ?? current.trigger, body.actions ?? current.actions);
    const next: AutomationRule = {
      ...current, trigger, actions, name: body.name ?? current.name, position: body.position ?? current.position, enabled: body.enabled ?? current.enabled,
      continueAfter: body.continueAfter ?? current.continueAfter, cooldownSeconds: body.cooldownSeconds ?? current.cooldownSeconds,
      updatedAt: new Date(this.clock.now()).toISOString(),
    };
    const saved = await this.repo.update(tenantId, next);
    if (!saved) throw ApiError.notFound('automation rule');
    this.forget(tenantId, saved.phoneNumberId);
    return saved;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const phone = RULE_ID.test(id) ? await this.repo.delete(tenantId, id) : undefined;
    if (!phone) throw ApiError.notFound('automation rule');
    this.forget(tenantId, phone);
  }

  /** Trigger and actions checked in depth (a 400 lists every problem); forward URLs pass the SSRF guard now and again at each forward. */
  private async checked(rawTrigger: object, rawActions: object[]): Promise<Pick<AutomationRule, 'trigger' | 'actions'>> {
    const problems: FieldProblem[] = [];
    const trigger = parseTrigger(rawTrigger as Record<string, unknown>, problems);
    const actions = parseActions(rawActions as Record<string, unknown>[], trigger, problems);
    // numbered as in the body (the parsed list leaves invalid actions out)
    for (const [i, a] of (rawActions as Record<string, unknown>[]).entries()) {
      if (a.type !== 'forward' || typeof a.url !== 'string' || problems.some((p) => p.field === `actions[${i}].url`)) continue;
      try {
        await this.guard.check(a.url);
      } catch (err) {
        if (!(err instanceof TargetRefusedError)) throw err;
        problems.push({ field: `actions[${i}].url`, problems: [err.message] });
      }
    }
    if (problems.length > 0 || !trigger) {
      throw ApiError.badRequest(`${problems.map((p) => `${p.field}: ${p.problems.join('; ')}`).join(', ')}`, problems);
    }
    return { trigger, actions };
  }
}
