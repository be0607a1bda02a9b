import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { META_SPEC_PATH, parseMetaSpec, readPrebuiltSpec } from './meta-spec';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'spec-to-json.mjs');
const BUILT = path.resolve(__dirname, '..', '..', 'dist', 'meta-spec.json');

describe("Meta's spec read from the build's JSON (ADR 0195)", () => {
  const yaml = readFileSync(META_SPEC_PATH, 'utf8');

  it('the build converts the YAML into JSON that reads as exactly the same document', () => {
    execFileSync(process.execPath, [SCRIPT]);
    const fromJson = readPrebuiltSpec(BUILT, yaml);
    expect(fromJson).toBeDefined();
    expect(fromJson).toEqual(parseMetaSpec(yaml));
  });

  it('ignores a JSON made from another YAML, or no spec at all, so the YAML decides', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'meta-spec-'));
    const stale = path.join(dir, 'stale.json');
    writeFileSync(stale, JSON.stringify({ sourceSha256: '0'.repeat(64), document: { openapi: '3.0.0', paths: {}, components: { schemas: {} } } }));
    expect(readPrebuiltSpec(stale, yaml)).toBeUndefined();
    const junk = path.join(dir, 'junk.json');
    writeFileSync(junk, '{not json');
    expect(readPrebuiltSpec(junk, yaml)).toBeUndefined();
    expect(readPrebuiltSpec(path.join(dir, 'missing.json'), yaml)).toBeUndefined();
  });
});
