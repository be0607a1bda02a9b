/**
 * What a platform team relies on in the deployment files (docker-compose.yml, deploy/**,
 * the image recipe): every built service is deployed with probes, limits and its DESIGN.md §11
 * port; every topic of libs/contracts has a Strimzi KafkaTopic (compacted where the contract
 * says so); consumers scale on lag and never beyond their partitions; compose runs the same
 * services with matching settings. Pure file checks, no network. When `kubectl` is on PATH the
 * overlays are also rendered with `kubectl kustomize` and the rendered objects are checked.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { WELL_KNOWN_DEV_SECRETS } from '@wabridge/config';
import { dlqTopicFor, registeredTopics } from '@wabridge/contracts';

const ROOT = join(__dirname, '..', '..');

/** DESIGN.md §11 (fixed interface): service → port. */
const PORTS: Record<string, number> = {
  gateway: 3000,
  ingress: 3001,
  dispatcher: 3002,
  contacts: 3003,
  media: 3004,
  analytics: 3005,
  notifier: 3006,
  conversations: 3007,
  campaigns: 3008,
  sandbox: 3100,
};
/** Internet-facing services serve /health/* and /metrics on a separate management port (ADR 0074). */
const MANAGEMENT_PORTS: Record<string, number> = { gateway: 9300, ingress: 9301 };
/** Loopback/dev only (DESIGN.md §12): compose and the dev overlay, never the base or prod. */
const DEV_ONLY = new Set(['sandbox']);
/** Served over HTTP to the outside (Meta, customers): CPU-based scaling. */
const HTTP_SERVICES = ['gateway', 'ingress'];
/** Kafka consumers scaled on lag: service → consumer group (the apps' env defaults). */
const LAG_SCALED: Record<string, string> = { ingress: 'ingress-normalizer', dispatcher: 'dispatcher', contacts: 'contacts' };
/** Consumer groups whose dead-letter topic `<group>.dlq.v1` must exist. */
const DLQ_GROUPS = ['ingress-normalizer', 'dispatcher', 'dispatcher-state', 'contacts', 'gateway', 'conversations', 'campaigns', 'analytics', 'media', 'notifier'];
/** Keys of the Secret `wabridge-secrets` (docs/deploy.md). */
const SECRET_KEYS = ['DATABASE_URL', 'ADMIN_TOKEN', 'INTERNAL_TOKEN', 'ENCRYPTION_KEYS', 'META_APP_SECRET', 'META_VERIFY_TOKEN'];

/** A parsed YAML/JSON object (manifests are checked by shape, not typed). */
type Obj = Record<string, any>;

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const name of readdirSync(abs)) {
      const p = join(abs, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (pattern.test(name)) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

function yamlDocs(path: string): Obj[] {
  return parseAllDocuments(read(path))
    .map((d) => d.toJS() as Obj | null)
    .filter((d): d is Obj => d !== null && typeof d === 'object');
}

/** Apps that exist as deployables (have a main.ts) and are services of DESIGN.md §11. */
const builtApps = readdirSync(join(ROOT, 'apps'))
  .filter((a) => existsSync(join(ROOT, 'apps', a, 'src', 'main.ts')) && a in PORTS)
  .sort();
const clusterApps = builtApps.filter((a) => !DEV_ONLY.has(a));

const base: Obj[] = filesUnder('deploy/base', /\.ya?ml$/).flatMap(yamlDocs);
const ofKind = (docs: Obj[], kind: string): Obj[] => docs.filter((d) => d.kind === kind);
const named = (docs: Obj[], kind: string, name: string): Obj | undefined =>
  docs.find((d) => d.kind === kind && d.metadata?.name === name);
const container = (deployment: Obj): Obj => deployment.spec.template.spec.containers[0];
const envNames = (deployment: Obj): string[] => (container(deployment).env ?? []).map((e: Obj) => e.name as string);

function kustomization(dir: string): Obj {
  return parse(read(join(dir, 'kustomization.yaml'))) as Obj;
}

/** JSON6902 patches of a kustomization, as {target, ops}. */
function patchesOf(k: Obj): { target: Obj; ops: Obj[] }[] {
  return (k.patches ?? []).map((p: Obj) => ({ target: p.target ?? {}, ops: (parse(p.patch) as Obj[]) ?? [] }));
}

function literal(literals: string[] | undefined, key: string): string | undefined {
  const line = (literals ?? []).find((l) => l.startsWith(`${key}=`));
  return line?.slice(key.length + 1);
}

it('finds the built services this file is about', () => {
  expect(builtApps).toEqual(expect.arrayContaining(['gateway', 'ingress', 'dispatcher', 'contacts']));
});

describe('every YAML and JSON file of the deployment', () => {
  const yamlFiles = [...filesUnder('deploy', /\.ya?ml$/), 'docker-compose.yml'];

  it.each(yamlFiles)('%s parses without errors', (file) => {
    const docs = parseAllDocuments(read(file), { merge: true });
    expect(docs.flatMap((d) => d.errors.map((e) => e.message))).toEqual([]);
  });

  it.each(filesUnder('deploy', /\.json$/))('%s is valid JSON', (file) => {
    expect(() => JSON.parse(read(file))).not.toThrow();
  });
});

describe('services of DESIGN.md §11', () => {
  it.each(builtApps)('%s listens on its §11 port by default (its env class)', (app) => {
    const envFiles = filesUnder(`apps/${app}/src`, /\.env\.ts$/).map(read);
    const ports = envFiles.flatMap((src) => [...src.matchAll(/\bPORT\s*=\s*(\d+)/g)].map((m) => Number(m[1])));
    expect(ports).toEqual([PORTS[app]]);
  });

  it.each(builtApps)('%s declares every @wabridge package it imports at run time (the image build prunes by it)', (app) => {
    const pkg = JSON.parse(read(`apps/${app}/package.json`)) as { name: string; dependencies?: Record<string, string> };
    const runtimeSources = filesUnder(`apps/${app}/src`, /\.ts$/).filter(
      (f) => !/\.(int-)?spec\.ts$/.test(f) && !/\/(testing|test)\//.test(f),
    );
    const imported = new Set(
      runtimeSources.flatMap((f) => [...read(f).matchAll(/from '(@wabridge\/[a-z-]+)'/g)].map((m) => m[1]!)),
    );
    imported.delete(pkg.name);
    const missing = [...imported].filter((name) => !(name in (pkg.dependencies ?? {})));
    expect(missing).toEqual([]);
  });
});

describe('kustomize base (deploy/base)', () => {
  it.each(clusterApps)('%s has a Deployment, a Service on its §11 port and a PodDisruptionBudget', (app) => {
    const deployment = named(base, 'Deployment', app);
    expect(deployment).toBeDefined();
    const management = MANAGEMENT_PORTS[app];
    expect(container(deployment!).ports).toEqual([
      expect.objectContaining({ name: 'http', containerPort: PORTS[app] }),
      ...(management ? [expect.objectContaining({ name: 'management', containerPort: management })] : []),
    ]);
    expect(container(deployment!).env).toContainEqual({ name: 'PORT', value: String(PORTS[app]) });
    if (management) expect(container(deployment!).env).toContainEqual({ name: 'MANAGEMENT_PORT', value: String(management) });
    const service = named(base, 'Service', app);
    expect(service?.spec.ports).toEqual([expect.objectContaining({ port: PORTS[app], targetPort: 'http' })]);
    expect(service?.spec.selector).toEqual(deployment!.spec.selector.matchLabels);
    const pdb = named(base, 'PodDisruptionBudget', app);
    expect(pdb?.spec.selector.matchLabels).toEqual(deployment!.spec.selector.matchLabels);
  });

  it('deploys nothing dev-only (the sandbox has no auth)', () => {
    for (const app of DEV_ONLY) expect(named(base, 'Deployment', app)).toBeUndefined();
  });

  const components: Obj[] = filesUnder('deploy/components', /\.ya?ml$/).flatMap(yamlDocs);
  const deployments = [...ofKind(base, 'Deployment'), ...ofKind(components, 'Deployment')];

  describe.each(deployments.map((d) => [d.metadata.name as string, d]))('Deployment %s', (_name, deployment) => {
    const c = container(deployment);

    // gateway/ingress: on the management port, which the Service does not expose (ADR 0074)
    const probePort = c.ports.some((p: Obj) => p.name === 'management') ? 'management' : 'http';

    it('probes /health/live (startup, liveness) and /health/ready (readiness) on its http or management port', () => {
      expect(c.startupProbe.httpGet).toEqual({ path: '/health/live', port: probePort });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: probePort });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: probePort });
    });

    it('requests and limits cpu and memory', () => {
      for (const k of ['requests', 'limits']) {
        expect(c.resources?.[k]).toEqual({ cpu: expect.anything(), memory: expect.anything() });
      }
    });

    it('runs as a non-root user on a read-only root filesystem with no capabilities', () => {
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number) });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    });

    it('reads settings from the ConfigMap and each secret by key from wabridge-secrets', () => {
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'wabridge-config' } }]);
      const secretRefs = (c.env as Obj[]).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.valueFrom.secretKeyRef);
      expect(secretRefs.length).toBeGreaterThan(0);
      for (const ref of secretRefs) {
        expect(ref.name).toBe('wabridge-secrets');
        expect(SECRET_KEYS).toContain(ref.key);
      }
      // a secret is never written into a manifest as a plain value
      for (const e of c.env as Obj[]) if (SECRET_KEYS.includes(e.name)) expect(e.valueFrom?.secretKeyRef?.key).toBe(e.name);
    });

    it('is scraped by Prometheus on its own port (the management port where there is one)', () => {
      expect(deployment.spec.template.metadata.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(c.ports.find((p: Obj) => p.name === probePort).containerPort),
        'prometheus.io/path': '/metrics',
      });
    });
  });

  it('every service gets DATABASE_URL; the secrets each app validates at boot are wired', () => {
    const needs: Record<string, string[]> = {
      gateway: ['DATABASE_URL', 'ADMIN_TOKEN', 'INTERNAL_TOKEN', 'ENCRYPTION_KEYS'],
      ingress: ['DATABASE_URL', 'META_APP_SECRET', 'META_VERIFY_TOKEN', 'ENCRYPTION_KEYS'],
      dispatcher: ['DATABASE_URL', 'ENCRYPTION_KEYS'],
      contacts: ['DATABASE_URL', 'INTERNAL_TOKEN'],
    };
    for (const app of clusterApps) {
      expect({ app, env: envNames(named(base, 'Deployment', app)!) }).toEqual({
        app,
        env: expect.arrayContaining(needs[app] ?? ['DATABASE_URL']),
      });
    }
  });

  it('the shared ConfigMap sets what BaseEnv needs in a cluster (bind all interfaces, brokers, traces)', () => {
    const cm = kustomization('deploy/base').configMapGenerator.find((g: Obj) => g.name === 'wabridge-config');
    expect(literal(cm.literals, 'HOST')).toBe('0.0.0.0');
    expect(literal(cm.literals, 'NODE_ENV')).toBe('production');
    expect(literal(cm.literals, 'KAFKA_BROKERS')).toMatch(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/);
    expect(literal(cm.literals, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')).toMatch(/^https?:\/\/.+\/v1\/traces$/);
    for (const l of cm.literals as string[]) expect(SECRET_KEYS).not.toContain(l.split('=')[0]);
  });

  it('lists every manifest file of the base in its kustomization', () => {
    const listed = new Set((kustomization('deploy/base').resources as string[]).map((r) => `deploy/base/${r}`));
    const files = filesUnder('deploy/base', /\.ya?ml$/).filter((f) => !f.endsWith('kustomization.yaml'));
    expect(files.filter((f) => !listed.has(f))).toEqual([]);
  });
});

describe('autoscaling', () => {
  const hpas = ofKind(base, 'HorizontalPodAutoscaler');
  const scaledObjects = ofKind(base, 'ScaledObject');
  const targetOf = (o: Obj): string => o.spec.scaleTargetRef.name;

  it('targets each Deployment with at most one autoscaler (KEDA owns the HPA of a ScaledObject)', () => {
    const targets = [...hpas, ...scaledObjects].map(targetOf);
    expect(new Set(targets).size).toBe(targets.length);
    for (const t of targets) expect(named(base, 'Deployment', t)).toBeDefined();
  });

  it.each(HTTP_SERVICES)('%s scales on CPU', (app) => {
    const hpa = hpas.find((h) => targetOf(h) === app);
    const so = scaledObjects.find((s) => targetOf(s) === app);
    const cpu =
      hpa?.spec.metrics.some((m: Obj) => m.resource?.name === 'cpu') ||
      so?.spec.triggers.some((t: Obj) => t.type === 'cpu');
    expect(cpu).toBe(true);
  });

  it.each(Object.entries(LAG_SCALED))('%s scales on the lag of consumer group %s', (app, group) => {
    const so = scaledObjects.find((s) => targetOf(s) === app);
    const kafka = (so?.spec.triggers ?? []).filter((t: Obj) => t.type === 'kafka');
    expect(kafka.length).toBeGreaterThan(0);
    for (const t of kafka) {
      expect(t.metadata.consumerGroup).toBe(group);
      expect(registeredTopics().map((s) => s.topic)).toContain(t.metadata.topic);
      // more consumers than partitions would only idle
      expect(t.metadata.allowIdleConsumers).toBe('false');
    }
  });

  it('leaves the replica count of autoscaled Deployments to the autoscaler', () => {
    for (const o of [...hpas, ...scaledObjects]) {
      expect({ deployment: targetOf(o), replicas: named(base, 'Deployment', targetOf(o))!.spec.replicas }).toEqual({
        deployment: targetOf(o),
        replicas: undefined,
      });
    }
  });
});

describe('Strimzi KafkaTopics', () => {
  const topics = ofKind(base, 'KafkaTopic');
  const byName = new Map(topics.map((t) => [t.spec.topicName as string, t]));

  it.each(registeredTopics().map((s) => [s.topic, s]))('%s has a KafkaTopic', (topic, spec) => {
    const cr = byName.get(topic);
    expect(cr).toBeDefined();
    expect(cr!.metadata.labels['strimzi.io/cluster']).toBe('wabridge');
    if (spec.compacted) expect(cr!.spec.config['cleanup.policy']).toBe('compact');
    else expect(cr!.spec.config['cleanup.policy'] ?? 'delete').toBe('delete');
  });

  it.each(DLQ_GROUPS)('the dead-letter topic of group %s has a KafkaTopic', (group) => {
    expect(byName.get(dlqTopicFor(group))).toBeDefined();
  });

  // With KAFKA_CREATE_TOPICS=false (prod) a service whose declared DLQ has no KafkaTopic never
  // gets ready: the groups above must be every `extraTopics: [dlqTopicFor(env.X)]` of the apps,
  // X resolved to its env-class default.
  it('lists the dead-letter topic of every consumer group the services declare', () => {
    const defaults = new Map<string, string>();
    for (const f of filesUnder('apps', /\.env\.ts$/)) {
      for (const m of read(f).matchAll(/^\s+([A-Z_]+) = '([^']+)';/gm)) defaults.set(m[1]!, m[2]!);
    }
    const declared = new Set<string>();
    for (const f of filesUnder('apps', /^(?!.*spec).*\.ts$/).filter((f) => !f.includes('/dist/'))) {
      const text = read(f);
      if (!text.includes('extraTopics')) continue;
      const suffix = /const STATE_GROUP_SUFFIX = '([^']+)'/.exec(text)?.[1] ?? '';
      for (const m of text.matchAll(/dlqTopicFor\(env\.([A-Z_]+)( \+ STATE_GROUP_SUFFIX)?\)/g)) {
        const group = defaults.get(m[1]!);
        expect({ variable: m[1], file: f, resolved: group !== undefined }).toEqual({ variable: m[1], file: f, resolved: true });
        declared.add(group! + (m[2] ? suffix : ''));
      }
    }
    expect(declared.size).toBeGreaterThan(5);
    expect([...declared].sort()).toEqual([...DLQ_GROUPS].sort());
  });

  it('has unique, valid resource names and no topic the contracts do not know', () => {
    const names = topics.map((t) => t.metadata.name as string);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    const known = new Set([...registeredTopics().map((s) => s.topic), ...DLQ_GROUPS.map(dlqTopicFor)]);
    expect([...byName.keys()].filter((t) => !known.has(t))).toEqual([]);
  });

  it('accepts raw webhook bodies of up to 3 MB on the intake topic', () => {
    expect(Number(byName.get('wa.webhook.received.v1')!.spec.config['max.message.bytes'])).toBeGreaterThanOrEqual(3 * 1024 * 1024 + 64 * 1024);
  });
});

describe.each(['dev', 'prod'])('overlay %s', (overlay) => {
  const k = kustomization(`deploy/overlays/${overlay}`);
  const patches = patchesOf(k);
  const topicPatch = patches.find((p) => p.target.kind === 'KafkaTopic' && !p.target.name);
  const opValue = (ops: Obj[], path: string): unknown => ops.find((o) => o.path === path)?.value;
  const partitions = Number(opValue(topicPatch?.ops ?? [], '/spec/partitions'));
  const replicas = Number(opValue(topicPatch?.ops ?? [], '/spec/replicas'));

  it('sets partitions, replicas and min.insync.replicas of every topic, and KAFKA_PARTITIONS to the same count', () => {
    expect(partitions).toBeGreaterThan(0);
    expect(replicas).toBeGreaterThan(0);
    const minIsr = Number(opValue(topicPatch!.ops, '/spec/config/min.insync.replicas'));
    expect(minIsr).toBeGreaterThan(0);
    expect(minIsr).toBeLessThanOrEqual(replicas);
    const cm = (k.configMapGenerator as Obj[]).find((g) => g.name === 'wabridge-config');
    expect(cm?.behavior).toBe('merge');
    expect(Number(literal(cm?.literals, 'KAFKA_PARTITIONS'))).toBe(partitions);
  });

  it('never lets a lag-scaled consumer outgrow its partitions', () => {
    for (const so of ofKind(base, 'ScaledObject')) {
      const own = patches.filter((p) => p.target.kind === 'ScaledObject' && (!p.target.name || p.target.name === so.metadata.name));
      const max = own.reduce<number>((m, p) => Number(opValue(p.ops, '/spec/maxReplicaCount') ?? m), so.spec.maxReplicaCount);
      expect({ scaledObject: so.metadata.name, max: max <= partitions }).toEqual({ scaledObject: so.metadata.name, max: true });
    }
  });

  it('gives every deployed service an image', () => {
    const images = (k.images as Obj[]).map((i) => i.name as string);
    for (const app of clusterApps) expect(images).toContain(`wabridge/${app}`);
  });

  if (overlay === 'dev') {
    it('runs in development mode, the only mode that accepts its well-known dev Secret', () => {
      const cm = (k.configMapGenerator as Obj[]).find((g) => g.name === 'wabridge-config');
      expect(literal(cm?.literals, 'NODE_ENV')).toBe('development');
    });

    it('adds the sandbox and generates a dev Secret with every key', () => {
      expect(k.components).toContain('../../components/sandbox');
      const secret = (k.secretGenerator as Obj[]).find((g) => g.name === 'wabridge-secrets');
      expect((secret?.literals as string[]).map((l) => l.split('=')[0]).sort()).toEqual([...SECRET_KEYS].sort());
    });
  } else {
    it('has no sandbox, no Secret in the repository and at least two replicas of each HTTP service', () => {
      expect(k.components ?? []).toEqual([]);
      expect(k.secretGenerator).toBeUndefined();
      const cm = (k.configMapGenerator as Obj[]).find((g) => g.name === 'wabridge-config');
      expect(literal(cm?.literals, 'NODE_ENV')).toBeUndefined(); // the base's production
      const minOf = (kind: string, name: string, path: string): number | undefined =>
        patches.filter((p) => p.target.kind === kind && p.target.name === name).map((p) => Number(opValue(p.ops, path)))[0];
      expect(minOf('HorizontalPodAutoscaler', 'gateway', '/spec/minReplicas')).toBeGreaterThanOrEqual(2);
      expect(minOf('ScaledObject', 'ingress', '/spec/minReplicaCount')).toBeGreaterThanOrEqual(2);
      expect(replicas).toBeGreaterThanOrEqual(3);
    });
  }
});

describe('Grafana dashboard', () => {
  const file = 'deploy/base/observability/dashboards/wabridge-overview.json';
  const dashboard = JSON.parse(read(file)) as Obj;
  const exprs: string[] = (dashboard.panels as Obj[]).flatMap((p) => (p.targets ?? []).map((t: Obj) => t.expr as string));

  it('shows consumer lag, webhook rate and p99, send rate by number and error classes', () => {
    expect(exprs.some((e) => e.includes('kafka_consumergroup_lag'))).toBe(true);
    expect(exprs.some((e) => e.includes('rate(wabridge_ingress_webhooks_total'))).toBe(true);
    expect(exprs.some((e) => e.includes('histogram_quantile(0.99') && e.includes('/webhooks/meta/:appId'))).toBe(true);
    expect(exprs.some((e) => /sum by \(phone_number_id\) \(rate\(dispatcher_graph_sends_total/.test(e))).toBe(true);
    expect(exprs.some((e) => /sum by \(class\) \(rate\(dispatcher_errors_total/.test(e))).toBe(true);
  });

  it('queries only metrics that the services register (or the Kafka exporter and Node defaults provide)', () => {
    const external = new Set(['kafka_consumergroup_lag', 'nodejs_eventloop_lag_p99_seconds']);
    const sources = [...filesUnder('apps', /\.ts$/), ...filesUnder('libs', /\.ts$/)]
      .filter((f) => !/\.(int-)?spec\.ts$/.test(f))
      .map(read)
      .join('\n');
    const functions = new Set(['sum', 'by', 'rate', 'increase', 'histogram_quantile', 'topk', 'max', 'min', 'avg']);
    const metricNames = (expr: string): string[] =>
      [...expr.replace(/\{[^}]*\}|\[[^\]]*\]|\bby \([^)]*\)/g, ' ').matchAll(/\b[a-z_][a-z0-9_]*\b/g)]
        .map((m) => m[0])
        .filter((name) => !functions.has(name))
        .map((name) => name.replace(/_(bucket|count|sum)$/, ''));
    const used = new Set(exprs.flatMap(metricNames));
    expect(used).toContain('dispatcher_paused_numbers');
    const unknown = [...used].filter((m) => !external.has(m) && !sources.includes(`'${m}'`));
    expect(unknown).toEqual([]);
  });

  it('is shipped to Grafana by the base kustomization and by compose', () => {
    const gen = kustomization('deploy/base').configMapGenerator.find((g: Obj) => g.name === 'wabridge-grafana-dashboards');
    expect(gen.files).toContain('observability/dashboards/wabridge-overview.json');
    expect(gen.options.labels).toEqual({ grafana_dashboard: '1' });
    const compose = parse(read('docker-compose.yml'), { merge: true }) as Obj;
    expect(compose.services.grafana.volumes).toContain('./deploy/base/observability/dashboards:/var/lib/grafana/dashboards/wabridge:ro');
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as Obj;
  const services = compose.services as Record<string, Obj>;

  it('runs Kafka 3.9 in KRaft mode with an in-network and a host listener, Postgres 15, Jaeger v2, Prometheus and Grafana', () => {
    const kafka = services.kafka!;
    expect(kafka.image).toMatch(/^apache\/kafka:3\.9\./);
    expect(kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.environment.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    const advertised = String(kafka.environment.KAFKA_ADVERTISED_LISTENERS);
    expect(advertised).toContain('kafka:19092');
    expect(advertised).toMatch(/localhost:/);
    expect(services.postgres!.image).toMatch(/^postgres:15/);
    expect(services.jaeger!.image).toMatch(/^jaegertracing\/jaeger:2\./);
    expect(services.prometheus!.image).toMatch(/^prom\/prometheus:/);
    expect(services.grafana!.image).toMatch(/^grafana\/grafana:/);
    for (const infra of ['kafka', 'postgres']) expect(services[infra]!.healthcheck?.test).toBeDefined();
  });

  it.each(builtApps)('runs %s from the shared Dockerfile on its §11 port with a liveness healthcheck', (app) => {
    const svc = services[app];
    expect(svc).toBeDefined();
    expect(svc!.build).toEqual({ context: '.', dockerfile: 'deploy/docker/Dockerfile', args: { APP: app, PORT: String(PORTS[app]) } });
    expect(svc!.ports).toEqual([`${PORTS[app]}:${PORTS[app]}`]);
    expect(svc!.environment.PORT).toBe(String(PORTS[app]));
    expect(svc!.environment.HOST).toBe('0.0.0.0');
    expect(svc!.healthcheck.test.join(' ')).toContain('/health/live');
    if (MANAGEMENT_PORTS[app]) {
      expect(svc!.environment.MANAGEMENT_PORT).toBe(String(MANAGEMENT_PORTS[app]));
      expect(svc!.healthcheck.test.join(' ')).toContain('process.env.MANAGEMENT_PORT');
    }
  });

  it('requires every secret from the environment or an .env file: no development default in the file', () => {
    const text = read('docker-compose.yml');
    for (const key of [...SECRET_KEYS.filter((k) => k !== 'DATABASE_URL'), 'POSTGRES_PASSWORD']) {
      expect({ key, required: text.includes(`\${${key}:?`) }).toEqual({ key, required: true });
      expect({ key, defaulted: text.includes(`\${${key}:-`) }).toEqual({ key, defaulted: false });
    }
    for (const values of Object.values(WELL_KNOWN_DEV_SECRETS)) for (const v of values) expect(text).not.toContain(v);
  });

  it.each(builtApps.filter((a) => !DEV_ONLY.has(a)))('starts %s after Kafka and Postgres are healthy, pointed at them and at Jaeger', (app) => {
    const svc = services[app]!;
    expect(svc.depends_on).toMatchObject({ kafka: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
    expect(svc.environment.KAFKA_BROKERS).toBe('kafka:19092');
    expect(svc.environment.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\/wabridge$/);
    expect(svc.environment.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).toBe('http://jaeger:4318/v1/traces');
  });

  it('shares each secret between the services that must agree on it', () => {
    const same = (key: string, apps: string[]): void => {
      const values = apps.filter((a) => services[a]).map((a) => services[a]!.environment[key]);
      expect(values.every((v) => typeof v === 'string' && v.length > 0)).toBe(true);
      expect(new Set(values).size).toBe(1);
    };
    same('META_APP_SECRET', ['ingress', 'sandbox', 'bootstrap']); // the sandbox signs what ingress verifies
    same('INTERNAL_TOKEN', ['gateway', 'contacts']);
    same('ENCRYPTION_KEYS', ['gateway', 'ingress', 'dispatcher']); // gateway seals, the others open
    same('ADMIN_TOKEN', ['gateway', 'bootstrap']);
    expect(services.sandbox?.environment.SANDBOX_CALLBACK_URL).toMatch(/^http:\/\/ingress:3001\/webhooks\/meta\//);
    expect(services.gateway!.environment.DEFAULT_GRAPH_BASE_URL).toBe('http://sandbox:3100');
  });

  it('has Prometheus scrape every service it runs', () => {
    const prometheus = parse(read('deploy/compose/prometheus.yml')) as Obj;
    const targets = (prometheus.scrape_configs as Obj[]).flatMap((c) => (c.static_configs as Obj[]).flatMap((s) => s.targets as string[]));
    for (const app of builtApps) expect(targets).toContain(`${app}:${MANAGEMENT_PORTS[app] ?? PORTS[app]}`);
    expect(targets).toContain('kafka-exporter:9308');
  });
});

describe('image recipe (deploy/docker)', () => {
  const dockerfile = read('deploy/docker/Dockerfile');

  it('builds on node:24-bookworm-slim, runs as a numeric non-root user and probes /health/live', () => {
    expect(dockerfile).toContain('ARG NODE_IMAGE=node:24-bookworm-slim');
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/health\/live/m);
    expect(dockerfile).toMatch(/npm ci [^\n]*--omit=dev/);
    expect(dockerfile).toMatch(/turbo run build --filter="@wabridge\/\$\{APP\}\.\.\."/);
  });

  it('ships the files libs read at run time (libs/meta/spec/*.yaml) and keeps them in the build context', () => {
    expect(dockerfile).toMatch(/for part in dist spec; do/);
    expect(filesUnder('libs/meta/spec', /\.yaml$/).length).toBeGreaterThan(0);
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const pattern of ignored) expect(['libs', 'libs/meta', 'libs/meta/spec', '**/spec', 'spec']).not.toContain(pattern);
  });

  it('accepts exactly the §11 app/port pairs', () => {
    const pairs = [...dockerfile.matchAll(/([a-z]+):(\d{4})/g)].map((m) => [m[1]!, Number(m[2])]);
    expect(Object.fromEntries(pairs)).toEqual(PORTS);
  });

  it('bakes every built app with its §11 port', () => {
    const bake = read('deploy/docker/docker-bake.hcl');
    for (const app of builtApps) {
      expect(bake).toMatch(new RegExp(`target "${app}" \\{[^}]*APP = "${app}", PORT = "${PORTS[app]}"`));
    }
  });

  it('keeps node_modules and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
  });
});

// ---- rendered overlays (needs kubectl; CI machines have it from Debian's kubectl package)
function kubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  return undefined;
}
const KUBECTL = kubectl();
const describeRendered = KUBECTL ? describe : describe.skip;

describeRendered.each(['dev', 'prod'])('kubectl kustomize deploy/overlays/%s', (overlay) => {
  let docs: Obj[] = [];
  beforeAll(() => {
    const out = execFileSync(KUBECTL!, ['kustomize', join(ROOT, 'deploy', 'overlays', overlay)], { encoding: 'utf8', timeout: 30000 });
    docs = parseAllDocuments(out).map((d) => d.toJS() as Obj);
  });

  it('renders into one namespace, held to the restricted Pod Security Standard, with every name reference resolved', () => {
    const ns = overlay === 'dev' ? 'wabridge-dev' : 'wabridge';
    expect(named(docs, 'Namespace', ns)?.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const d of docs.filter((o) => o.kind !== 'Namespace')) {
      expect(`${d.kind}/${d.metadata.name}: ${d.metadata.namespace}`).toBe(`${d.kind}/${d.metadata.name}: ${ns}`);
    }
    const configMaps = new Set(ofKind(docs, 'ConfigMap').map((c) => c.metadata.name));
    for (const dep of ofKind(docs, 'Deployment')) {
      for (const ref of container(dep).envFrom) expect(configMaps).toContain(ref.configMapRef.name);
    }
    for (const o of [...ofKind(docs, 'HorizontalPodAutoscaler'), ...ofKind(docs, 'ScaledObject')]) {
      expect(named(docs, 'Deployment', o.spec.scaleTargetRef.name)).toBeDefined();
    }
  });

  it('deploys every service (the sandbox only in dev) with the topics sized as the ConfigMap says', () => {
    const expected = overlay === 'dev' ? builtApps : clusterApps;
    expect(ofKind(docs, 'Deployment').map((d) => d.metadata.name).sort()).toEqual([...expected].sort());
    const cm = ofKind(docs, 'ConfigMap').find((c) => c.metadata.name.startsWith('wabridge-config'))!;
    for (const t of ofKind(docs, 'KafkaTopic')) {
      expect({ topic: t.spec.topicName, partitions: t.spec.partitions }).toEqual({ topic: t.spec.topicName, partitions: Number(cm.data.KAFKA_PARTITIONS) });
      expect(t.spec.replicas).toBeGreaterThan(0);
    }
  });

  it('finds every secret key a Deployment reads', () => {
    const secrets = ofKind(docs, 'Secret');
    const refs = ofKind(docs, 'Deployment').flatMap((d) =>
      (container(d).env as Obj[]).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.valueFrom.secretKeyRef as Obj),
    );
    if (overlay === 'prod') {
      expect(secrets).toEqual([]); // created outside the repository
      for (const ref of refs) expect(ref.name).toBe('wabridge-secrets');
    } else {
      for (const ref of refs) {
        const secret = secrets.find((s) => s.metadata.name === ref.name);
        expect(Object.keys(secret?.data ?? {})).toContain(ref.key);
      }
    }
  });
});
