import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { containerSchema, kubernetesSchemaErrors, objectSchema, scaledObjectSchema, triggerAuthenticationSchema } from './k8s-schemas';
import { parseYaml, validate } from './schema-check';

const ROOT = join(__dirname, '../..');
const OVERLAYS = ['production', 'production-hpa', 'sandbox'];

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, any>;
  data?: Record<string, string>;
  [key: string]: unknown;
}

function render(overlay: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', join(ROOT, 'k8s/overlays', overlay)], { encoding: 'utf8' });
  return parseYaml(out) as K8sObject[];
}

function podSpec(o: K8sObject): Record<string, any> | undefined {
  return o.spec?.template?.spec;
}

/** The SHUTDOWN_DEADLINE_MS a pod's containers set, in seconds (the services' default of 25 s when unset). */
function shutdownDeadlineSeconds(pod: Record<string, any>): number {
  const values = (pod.containers as Array<{ env?: Array<{ name: string; value?: string }> }>).flatMap((c) => c.env ?? []).filter((e) => /SHUTDOWN_DEADLINE_MS$/.test(e.name)).map((e) => Number(e.value) / 1000);
  return values.length > 0 ? Math.max(...values) : 25;
}

/** The vendor simulators stop within their fixed 5 s; every TrustSync service reads SHUTDOWN_DEADLINE_MS. */
const OWN_DEADLINE = new Set(['trustsync-vendor-sandbox']);

describe.each(OVERLAYS)('k8s overlay %s', (overlay) => {
  const objects = render(overlay);
  const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));

  it('renders objects that are each valid against the Kubernetes (or KEDA) schema of their apiVersion and kind', () => {
    expect(objects.flatMap((o) => kubernetesSchemaErrors(o))).toEqual([]);
  });

  it('gives every object a DNS-1123 name and labels', () => {
    expect(objects.flatMap((o) => validate(o, objectSchema, `${o.kind}/${o.metadata?.name}`))).toEqual([]);
  });

  it('gives every long-running container probes, requests, limits and a tagged image', () => {
    const errors = workloads
      .filter((o) => o.kind !== 'Job')
      .flatMap((o) => (podSpec(o)!.containers as unknown[]).map((c, i) => validate(c, containerSchema, `${o.metadata.name}.containers[${i}]`)))
      .flat();
    expect(errors).toEqual([]);
  });

  it('keeps secret values out of the manifests', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const literal = JSON.stringify(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.data));
    expect(literal).not.toMatch(/password|postgres:\/\/|redis:\/\/|BEGIN .*KEY/i);
  });

  it('runs a Deployment for the API, each worker and the scheduler, each with a PodDisruptionBudget', () => {
    const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name);
    const wanted = ['trustsync-api', 'trustsync-sync-worker', 'trustsync-webhook-worker', 'trustsync-push-worker', 'trustsync-scheduler'];
    expect(deployments).toEqual(expect.arrayContaining(wanted));
    expect(pdbs.sort()).toEqual([...wanted].sort());
  });

  it('gives every Deployment a grace period above its shutdown deadline', () => {
    const short = objects
      .filter((o) => o.kind === 'Deployment' && !OWN_DEADLINE.has(o.metadata.name))
      .filter((o) => (podSpec(o)!.terminationGracePeriodSeconds ?? 30) <= shutdownDeadlineSeconds(podSpec(o)!))
      .map((o) => o.metadata.name);
    expect(short).toEqual([]);
  });

  it('includes the one-shot migration Job', () => {
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual(['trustsync-migrate']);
  });

  it('points every autoscaler at a Deployment that exists', () => {
    const deployments = new Set(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name));
    const targets = objects.filter((o) => ['ScaledObject', 'HorizontalPodAutoscaler'].includes(o.kind)).map((o) => o.spec!.scaleTargetRef.name as string);
    expect(targets.filter((t) => !deployments.has(t))).toEqual([]);
  });
});

describe('k8s autoscaling', () => {
  it('scales each worker with KEDA on its queue depth in production', () => {
    const scaled = render('production').filter((o) => o.kind === 'ScaledObject');
    expect(scaled.flatMap((o) => validate(o, scaledObjectSchema, o.metadata.name))).toEqual([]);
    expect(scaled.map((o) => o.spec!.triggers[0].metadata.valueLocation).sort()).toEqual(['queues.push.total', 'queues.sync.total', 'queues.webhook.total']);
  });

  it('authenticates the queue-depth scrapes with a key from the Secret, through a TriggerAuthentication that exists', () => {
    const objects = render('production');
    const auths = objects.filter((o) => o.kind === 'TriggerAuthentication');
    expect(auths.flatMap((o) => validate(o, triggerAuthenticationSchema, o.metadata.name))).toEqual([]);
    const names = new Set(auths.map((o) => o.metadata.name));
    const refs = objects.filter((o) => o.kind === 'ScaledObject').flatMap((o) => o.spec!.triggers.map((t: { authenticationRef?: { name: string } }) => t.authenticationRef?.name));
    expect(refs.length).toBe(3);
    expect(refs.filter((r) => !names.has(r as string))).toEqual([]);
  });

  it('falls back to HorizontalPodAutoscalers where KEDA is not installed', () => {
    const objects = render('production-hpa');
    expect(objects.filter((o) => o.kind === 'ScaledObject')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.spec!.scaleTargetRef.name).sort()).toEqual(['trustsync-push-worker', 'trustsync-sync-worker', 'trustsync-webhook-worker']);
  });
});

describe('k8s schema validation', () => {
  const objects = render('production');
  const copyOf = (kind: string): K8sObject => JSON.parse(JSON.stringify(objects.find((o) => o.kind === kind)));

  it('rejects a Deployment with a string where the schema wants an integer', () => {
    const deployment = copyOf('Deployment');
    deployment.spec!.replicas = '2';
    deployment.spec!.template.spec.containers[0].ports[0].containerPort = '8000';
    expect(kubernetesSchemaErrors(deployment)).toEqual(expect.arrayContaining([
      `Deployment/${deployment.metadata.name}/spec/replicas: must be integer`,
      `Deployment/${deployment.metadata.name}/spec/template/spec/containers/0/ports/0/containerPort: must be integer`,
    ]));
  });

  it('rejects a Service port without its port number', () => {
    const service = copyOf('Service');
    delete service.spec!.ports[0].port;
    expect(kubernetesSchemaErrors(service)).toEqual([`Service/${service.metadata.name}/spec/ports/0: must have required property port`]);
  });

  it('rejects a ScaledObject trigger whose metadata holds a number (KEDA wants strings)', () => {
    const scaled = copyOf('ScaledObject');
    scaled.spec!.triggers[0].metadata.targetValue = 100;
    expect(kubernetesSchemaErrors(scaled)).toEqual([`ScaledObject/${scaled.metadata.name}/spec/triggers/0/metadata/targetValue: must be string`]);
  });

  it('rejects an apiVersion the cluster no longer serves', () => {
    const pdb = { ...copyOf('PodDisruptionBudget'), apiVersion: 'policy/v1beta1' };
    expect(kubernetesSchemaErrors(pdb)).toEqual([`PodDisruptionBudget/${pdb.metadata.name}: no schema for policy/v1beta1 PodDisruptionBudget`]);
  });
});
