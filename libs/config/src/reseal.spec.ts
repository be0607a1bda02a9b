import { describeReseal, parseResealCommandArgs, ResealReport } from './reseal';

const report = (over: Partial<ResealReport>): ResealReport => ({
  primaryKeyId: 'k2', dryRun: false, columns: [], found: 0, resealed: 0, changedMeanwhile: 0, unopenable: [], ...over,
});

describe('describeReseal', () => {
  it('says 0 and nothing else when everything is sealed with the primary key already', () => {
    expect(describeReseal(report({ columns: [{ column: 'endpoints.secret', found: 0, resealed: 0, changedMeanwhile: 0, unopenable: [] }] })))
      .toEqual({ lines: ['0 re-sealed with key "k2"'] });
  });

  it('counts what a dry run would re-seal, without the values no key opens', () => {
    const unopenable = ['a', 'b'].map((id) => ({ column: 'phone_numbers.access_token', id }));
    const out = describeReseal(report({
      dryRun: true, found: 5, unopenable,
      columns: [{ column: 'phone_numbers.access_token', found: 5, resealed: 0, changedMeanwhile: 0, unopenable: ['a', 'b'] }],
    }));
    expect(out.lines).toEqual(['phone_numbers.access_token: 3 to re-seal, 2 open with no key', 'dry run: 3 to re-seal with key "k2"']);
    expect(out.failure).toMatch(/^2 sealed value\(s\) open with no key in ENCRYPTION_KEYS \(phone_numbers.access_token a, phone_numbers.access_token b\): /);
  });

  it('names at most five unopenable rows in its one failure line', () => {
    const ids = ['1', '2', '3', '4', '5', '6', '7'];
    const out = describeReseal(report({ found: 7, unopenable: ids.map((id) => ({ column: 'meta_apps.app_secret', id })) }));
    expect(out.failure).toContain('(meta_apps.app_secret 1, meta_apps.app_secret 2, meta_apps.app_secret 3, meta_apps.app_secret 4, meta_apps.app_secret 5, …)');
    expect(out.failure).not.toContain('\n');
  });

  it('reports rows changed meanwhile apart from the re-sealed ones', () => {
    const out = describeReseal(report({
      found: 3, resealed: 2, changedMeanwhile: 1,
      columns: [{ column: 'meta_apps.verify_token', found: 3, resealed: 2, changedMeanwhile: 1, unopenable: [] }],
    }));
    expect(out.lines).toEqual(['meta_apps.verify_token: 2 re-sealed, 1 changed meanwhile (left as they are)', '2 re-sealed with key "k2"']);
  });
});

describe('reseal command arguments (one parser for every service)', () => {
  it('reads --dry-run, --batch-size and the service\'s own switches', () => {
    const a = parseResealCommandArgs(['--dry-run', '--batch-size', '50', '--no-republish'], ['--no-republish']);
    expect(a).toMatchObject({ dryRun: true, batchSize: 50 });
    expect(a.flags.has('--no-republish')).toBe(true);
    expect(parseResealCommandArgs([])).toMatchObject({ dryRun: false, batchSize: 200 });
  });

  it('refuses what it does not know, naming the usage', () => {
    expect(() => parseResealCommandArgs(['--no-republish'])).toThrow('unknown argument --no-republish (usage: reseal [--dry-run] [--batch-size N])');
    expect(() => parseResealCommandArgs(['--batch-size', '0'])).toThrow('--batch-size needs a positive integer');
    expect(() => parseResealCommandArgs(['--batch-size'])).toThrow('--batch-size needs a positive integer');
  });
});
