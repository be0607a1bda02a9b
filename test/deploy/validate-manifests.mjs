// Validates Kubernetes objects against JSON schemas, offline (run by test/deploy/cluster.spec.ts,
// ESM because the validator packages are ESM-only). Reads a JSON array of objects on stdin and
// writes a JSON array of {ref, errors} (errors empty when valid). Sources (test/deploy/schemas/README.md):
// - built-in kinds: `kubernetes-models` (validators generated from the Kubernetes OpenAPI schema);
// - KEDA, cert-manager, Prometheus Operator: `@kubernetes-models/{keda,cert-manager,prometheus-operator}`
//   (generated from those projects' CRD schemas);
// - Strimzi KafkaTopic: the CRD vendored in schemas/strimzi (generated from Strimzi's Maven artifacts),
//   its openAPIV3Schema compiled with ajv.
// An object of a kind with no schema here is an error: a new kind needs its schema first.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const Ajv = require('ajv').default;
const addFormats = require('ajv-formats');
const { parse } = require('yaml');

/** apiVersion → module prefix of the package whose validators cover that group/version. */
function modulePath(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  const crdPackages = {
    'keda.sh': '@kubernetes-models/keda',
    'cert-manager.io': '@kubernetes-models/cert-manager',
    'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  };
  if (crdPackages[group]) return `${crdPackages[group]}/${group}/${version}/${kind}`;
  if (group === '') return `kubernetes-models/${version}/${kind}`;
  if (group.includes('.') && !group.endsWith('.k8s.io')) return undefined;
  return `kubernetes-models/${group}/${version}/${kind}`;
}

/** Validators from CRDs vendored in schemas/: `${apiVersion}/${kind}` → ajv function. */
function vendoredCrdValidators() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const out = new Map();
  for (const file of ['strimzi/043-Crd-kafkatopic.yaml']) {
    const crd = parse(readFileSync(join(here, 'schemas', file), 'utf8'));
    for (const v of crd.spec.versions) {
      out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(v.schema.openAPIV3Schema));
    }
  }
  return out;
}

const crds = vendoredCrdValidators();
const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const obj of objects) {
  // kustomize wraps long base64 values of a Secret's data over lines; the API server's base64
  // decoder skips line breaks, the schema's "byte" format does not.
  if (obj?.kind === 'Secret' && obj.data && typeof obj.data === 'object') {
    for (const k of Object.keys(obj.data)) if (typeof obj.data[k] === 'string') obj.data[k] = obj.data[k].replace(/\s+/g, '');
  }
  const ref = `${obj?.kind}/${obj?.metadata?.name}`;
  const errors = [];
  const crd = crds.get(`${obj?.apiVersion}/${obj?.kind}`);
  if (crd) {
    if (!crd(obj)) for (const e of crd.errors) errors.push(`${e.instancePath || '/'} ${e.message}`);
  } else {
    const path = typeof obj?.apiVersion === 'string' && typeof obj?.kind === 'string' ? modulePath(obj.apiVersion, obj.kind) : undefined;
    let Model;
    try {
      if (path) Model = (await import(path))[obj.kind];
    } catch {
      Model = undefined;
    }
    if (!Model) {
      errors.push(`no schema for ${obj?.apiVersion} ${obj?.kind}`);
    } else {
      try {
        new Model(obj).validate();
      } catch (err) {
        errors.push(...String(err.message).split(', ').map((m) => m.replace(/^data/, '')));
      }
    }
  }
  results.push({ ref, errors });
}
process.stdout.write(JSON.stringify(results));
