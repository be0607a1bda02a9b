import { Injectable } from '@nestjs/common';
import {
  CONTACT_TAGS_REQUESTED_V1, ContactTagsRequestedV1, InboundMessageV1, OUTBOUND_REQUESTED_V1, OutboundRequestedV1,
} from '@wabridge/contracts';
import { contractEvent, EventProducer, OutgoingEvent } from '@wabridge/kafka';
import { counter } from '@wabridge/telemetry';
import { ConversationsEnv } from '../conversations.env';
import type { Queryable } from '@wabridge/database';
import { automationIdempotencyKey, automationMessageId } from './automation-ids';
import { AutomationRule } from './automation-rule';
import { AutomationRepository, ConversationAutomationState } from './automation.repository';
import { AutomationRulesService } from './automation-rules.service';
import { ForwardJob, Forwarder } from './forwarder';
import { inboundFacts } from './inbound-text';
import { replyVerdict } from './reply-guard';
import { RuleSet } from './rule-matcher';

const fired = counter<'trigger'>('conversations_automation_rules_fired_total', 'Rules that fired for an inbound message, by trigger type', ['trigger']);
const quiet = counter<'why'>(
  'conversations_automation_quiet_total',
  'Automation outcomes that sent nothing: assigned (an agent holds the conversation), stale (message older than AUTOMATIONS_MAX_MESSAGE_AGE_MS), cooldown, budget, window_closed, one_reply (a second reply for the same message), no_contact (a tag without ids)',
  ['why'],
);

/** What one consumed batch asks for: published before the fold commits, forwarded after. */
export class AutomationOutbox {
  readonly events: OutgoingEvent[] = [];
  readonly forwards: ForwardJob[] = [];
}

/** Metadata an automated send carries (seen in `GET /v1/messages/:id` and by the dispatcher). */
export const AUTOMATION_METADATA = { rule: 'automationRuleId', inbound: 'automationInboundWamid' } as const;

/**
 * Evaluates a number's rules on each inbound message as it is folded (ADR 0133-0135): inside the
 * fold's transaction, once per message (a redelivered message is not folded again), quiet while
 * the conversation is assigned; replies go out as `wa.outbound.requested.v1` commands (the path
 * of every send) with ids derived from the message and the rule.
 */
@Injectable()
export class AutomationService {
  constructor(
    private readonly rules: AutomationRulesService,
    private readonly repo: AutomationRepository,
    private readonly producer: EventProducer,
    private readonly forwarder: Forwarder,
    private readonly env: ConversationsEnv,
  ) {}

  rulesFor(tenantId: string, phoneNumberId: string): Promise<RuleSet> {
    return this.rules.rulesFor(tenantId, phoneNumberId);
  }

  state(q: Queryable, tenantId: string, conversationId: string): Promise<ConversationAutomationState> {
    return this.repo.state(q, tenantId, conversationId);
  }

  async evaluate(
    q: Queryable,
    c: { ev: InboundMessageV1; tenantId: string; conversationId: string; state: ConversationAutomationState; rules: RuleSet },
    now: Date,
    out: AutomationOutbox,
  ): Promise<void> {
    const { ev, tenantId, conversationId } = c;
    const nowMs = now.getTime();
    const inboundAt = Date.parse(ev.occurredAt);
    // business hours by the message's own time: a redelivery after a crash decides the same (the same rule, the same reply id)
    const matched = c.rules.match({ type: ev.type, facts: inboundFacts(ev), firstInbound: !c.state.wroteBefore, now: inboundAt });
    if (matched.length === 0) return;
    if (c.state.assignee) {
      quiet.inc({ why: 'assigned' });
      return;
    }
    if (nowMs - inboundAt > this.env.AUTOMATIONS_MAX_MESSAGE_AGE_MS) {
      quiet.inc({ why: 'stale' });
      return;
    }
    const history = await this.repo.replyHistory(q, tenantId, conversationId, matched.map((r) => r.id), new Date(nowMs - this.env.AUTOMATIONS_REPLY_BUDGET_WINDOW_MS));
    let replied = false;
    for (const rule of matched) {
      fired.inc({ trigger: rule.trigger.type });
      const done: string[] = [];
      let replyMessageId: string | undefined;
      let skipped: string | undefined;
      for (const action of rule.actions) {
        switch (action.type) {
          case 'reply': {
            const verdict = replied ? 'one_reply' : replyVerdict({
              now: nowMs, inboundAt, freeForm: action.message.type !== 'template', cooldownSeconds: rule.cooldownSeconds,
              history: { lastReplyOfRuleAt: history.lastByRule.get(rule.id), repliesInWindow: history.inWindow }, limits: {
                budget: this.env.AUTOMATIONS_REPLY_BUDGET, budgetWindowMs: this.env.AUTOMATIONS_REPLY_BUDGET_WINDOW_MS,
              },
            });
            if (verdict !== 'reply') {
              quiet.inc({ why: verdict });
              skipped = verdict;
              break;
            }
            replyMessageId = automationMessageId(tenantId, ev.wamid, rule.id, Date.parse(ev.receivedAt));
            out.events.push(this.replyCommand(tenantId, ev, rule, replyMessageId, now));
            replied = true;
            history.inWindow++;
            done.push('reply');
            break;
          }
          case 'tag': {
            if (!ev.waId && !ev.userId) {
              quiet.inc({ why: 'no_contact' });
              break;
            }
            const tags: ContactTagsRequestedV1 = {
              tenantId, phoneNumberId: ev.phoneNumberId, tags: action.tags, source: 'automation', ruleId: rule.id, wamid: ev.wamid, requestedAt: now.toISOString(),
              ...(ev.waId ? { waId: ev.waId } : {}), ...(ev.userId ? { userId: ev.userId } : {}),
            };
            out.events.push(contractEvent(CONTACT_TAGS_REQUESTED_V1, `${tenantId}:${ev.phoneNumberId}:${ev.waId ?? ev.userId}`, tags, { tenantId }));
            done.push('tag');
            break;
          }
          case 'forward':
            out.forwards.push({ url: action.url, id: `${ev.wamid}:${rule.id}`, body: this.forwardBody(tenantId, conversationId, ev, rule, now) });
            done.push('forward');
            break;
          case 'assign':
            await this.repo.assignIfFree(q, tenantId, conversationId, action.assignee, now);
            done.push('assign');
            break;
        }
      }
      await this.repo.recordFiring(q, { tenantId, inboundWamid: ev.wamid, ruleId: rule.id, conversationId, actions: done, replyMessageId, skipped, at: now });
    }
  }

  /** Publishes the batch's commands; the fold commits only after Kafka acknowledged them (a failure retries the batch). */
  async publish(out: AutomationOutbox): Promise<void> {
    if (out.events.length > 0) await this.producer.sendMany(out.events);
  }

  /** After the commit: the forwards, in the background. */
  forward(out: AutomationOutbox): { settled: Promise<void> } {
    return this.forwarder.dispatch(out.forwards);
  }

  private replyCommand(tenantId: string, ev: InboundMessageV1, rule: AutomationRule, id: string, now: Date): OutgoingEvent {
    const reply = rule.actions.find((a) => a.type === 'reply');
    const message = reply?.type === 'reply' ? reply.message : undefined;
    const command: OutboundRequestedV1 = {
      id, tenantId, phoneNumberId: ev.phoneNumberId, type: message!.type, message: { ...message! },
      idempotencyKey: automationIdempotencyKey(ev.wamid, rule.id), source: 'kafka', requestedAt: now.toISOString(),
      metadata: { [AUTOMATION_METADATA.rule]: rule.id, [AUTOMATION_METADATA.inbound]: ev.wamid.slice(0, 512) },
    };
    // the contact as Meta named it: wa_id, else the business-scoped user id (ADR 0130)
    if (ev.waId) command.to = ev.waId;
    else command.recipient = ev.userId;
    return contractEvent(OUTBOUND_REQUESTED_V1, ev.phoneNumberId, command, { tenantId });
  }

  private forwardBody(tenantId: string, conversationId: string, ev: InboundMessageV1, rule: AutomationRule, now: Date): Record<string, unknown> {
    const message: Record<string, unknown> = { type: ev.type, [ev.type]: ev.raw[ev.type] ?? {} };
    if (ev.raw.context) message.context = ev.raw.context;
    return {
      type: 'automation.forwarded', timestamp: now.toISOString(),
      data: {
        tenantId, phoneNumberId: ev.phoneNumberId, conversationId, ruleId: rule.id, ruleName: rule.name, wamid: ev.wamid, occurredAt: ev.occurredAt,
        from: { ...(ev.waId ? { waId: ev.waId } : {}), ...(ev.userId ? { userId: ev.userId } : {}), ...(ev.profileName ? { profileName: ev.profileName } : {}) },
        message,
      },
    };
  }
}
