import { escapeIdentifier } from 'pg';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Schema names reach `search_path` in the connection's startup options and DDL, where they
 * cannot be bound as parameters, so only plain lower-case identifiers are accepted.
 */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid schema name "${schema}": use lower-case letters, digits and _ (max 63)`);
  }
  return schema;
}

export function quoteIdent(name: string): string {
  return escapeIdentifier(name);
}
