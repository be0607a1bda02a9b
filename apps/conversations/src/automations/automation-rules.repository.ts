import { Injectable } from '@nestjs/common';
import { returnedRows } from '@wabridge/database';
import { DataSource } from 'typeorm';
import type { Action, AutomationRule, Trigger } from './automation-rule';

interface RuleRow {
  id: string;
  phoneNumberId: string;
  position: number;
  name: string;
  enabled: boolean;
  continueAfter: boolean;
  cooldownSeconds: number;
  trigger: Trigger;
  actions: Action[];
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, phone_number_id AS "phoneNumberId", position, name, enabled, continue_after AS "continueAfter",
  cooldown_seconds AS "cooldownSeconds", trigger, actions, created_at AS "createdAt", updated_at AS "updatedAt"`;

function ruleOf(r: RuleRow): AutomationRule {
  return { ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}

/** Rules of a tenant (ADR 0133); every statement takes the tenant first. */
@Injectable()
export class AutomationRulesRepository {
  constructor(private readonly ds: DataSource) {}

  async list(tenantId: string, phoneNumberId?: string): Promise<AutomationRule[]> {
    const rows = await this.ds.query<RuleRow[]>(
      `SELECT ${COLUMNS} FROM automation_rules WHERE tenant_id = $1 AND ($2::text IS NULL OR phone_number_id = $2)
       ORDER BY phone_number_id, position, id`,
      [tenantId, phoneNumberId ?? null],
    );
    return rows.map(ruleOf);
  }

  async get(tenantId: string, id: string): Promise<AutomationRule | undefined> {
    const rows = await this.ds.query<RuleRow[]>(`SELECT ${COLUMNS} FROM automation_rules WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows[0] ? ruleOf(rows[0]) : undefined;
  }

  /**
   * Inserts a rule unless the tenant already has `max` (counted under a per-tenant advisory lock,
   * so two concurrent creates cannot both pass the limit); a missing position goes last. Answers
   * undefined when the limit is reached.
   */
  async insert(tenantId: string, r: Omit<AutomationRule, 'position'> & { position?: number }, max: number): Promise<AutomationRule | undefined> {
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('automation_rules:' || $1))`, [tenantId]);
      const count = await m.query<{ n: number; next: number }[]>(
        `SELECT count(*)::int AS n,
           COALESCE((SELECT max(position) + 10 FROM automation_rules WHERE tenant_id = $1 AND phone_number_id = $2), 10)::int AS next
         FROM automation_rules WHERE tenant_id = $1`,
        [tenantId, r.phoneNumberId],
      );
      if ((count[0]?.n ?? 0) >= max) return undefined;
      const rows = await m.query<RuleRow[]>(
        `INSERT INTO automation_rules (id, tenant_id, phone_number_id, position, name, enabled, continue_after, cooldown_seconds, trigger, actions, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING ${COLUMNS}`,
        [r.id, tenantId, r.phoneNumberId, r.position ?? count[0]?.next ?? 10, r.name, r.enabled, r.continueAfter, r.cooldownSeconds,
          JSON.stringify(r.trigger), JSON.stringify(r.actions), r.createdAt],
      );
      return ruleOf(rows[0]!);
    });
  }

  async update(tenantId: string, r: AutomationRule): Promise<AutomationRule | undefined> {
    const rows = returnedRows<RuleRow>(await this.ds.query(
      `UPDATE automation_rules SET position = $3, name = $4, enabled = $5, continue_after = $6, cooldown_seconds = $7, trigger = $8, actions = $9, updated_at = $10
       WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [tenantId, r.id, r.position, r.name, r.enabled, r.continueAfter, r.cooldownSeconds, JSON.stringify(r.trigger), JSON.stringify(r.actions), r.updatedAt],
    ));
    return rows[0] ? ruleOf(rows[0]) : undefined;
  }

  async delete(tenantId: string, id: string): Promise<string | undefined> {
    const rows = returnedRows<{ phoneNumberId: string }>(await this.ds.query(
      `DELETE FROM automation_rules WHERE tenant_id = $1 AND id = $2 RETURNING phone_number_id AS "phoneNumberId"`,
      [tenantId, id],
    ));
    return rows[0]?.phoneNumberId;
  }
}
