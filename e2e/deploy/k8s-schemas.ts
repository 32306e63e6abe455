import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import type { Schema } from './schema-check';

interface KubernetesModel {
  validate(): void;
}

// kubernetes-models 4.5 carries the Kubernetes API's OpenAPI schemas; @kubernetes-models/keda 0.4
// (the last line for Node < 22, same validate/base majors) carries KEDA's CRD schemas.
const MODELS: Record<string, new (data: never) => KubernetesModel> = {
  'apps/v1 Deployment': Deployment,
  'apps/v1 StatefulSet': StatefulSet,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1 Job': Job,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'v1 ConfigMap': ConfigMap,
  'v1 Service': Service,
  'keda.sh/v1alpha1 ScaledObject': ScaledObject,
  'keda.sh/v1alpha1 TriggerAuthentication': TriggerAuthentication,
};

/**
 * Every violation of the OpenAPI schema of `o`'s apiVersion and kind (types, required fields,
 * enums), as `Kind/name/json/pointer: problem` lines; an apiVersion and kind with no model is one.
 * Unknown fields pass: these schemas do not forbid them (the API server's strict field validation does).
 */
export function kubernetesSchemaErrors(o: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } }): string[] {
  const at = `${String(o.kind)}/${String(o.metadata?.name)}`;
  const Model = MODELS[`${String(o.apiVersion)} ${String(o.kind)}`];
  if (!Model) return [`${at}: no schema for ${String(o.apiVersion)} ${String(o.kind)}`];
  try {
    new Model(o as never).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
    if (!Array.isArray(errors)) throw err;
    return errors.map((e) => `${at}${e.instancePath}: ${e.message ?? 'invalid'}`);
  }
}

// The schemas below are TrustSync's own rules, which no Kubernetes schema states.

const name: Schema = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' };
const quantity: Schema = { anyOf: [{ type: 'string', pattern: '^[0-9.]+(m|Mi|Gi|Ki)?$' }, { type: 'number' }] };
const probe: Schema = {
  type: 'object',
  anyOf: [{ type: 'object', required: ['httpGet'] }, { type: 'object', required: ['exec'] }, { type: 'object', required: ['tcpSocket'] }],
  properties: { periodSeconds: { type: 'integer', minimum: 1 } },
};
// A value may come from a ConfigMap or Secret reference; a literal is allowed only for names that are not secrets.
const envVar: Schema = {
  type: 'object',
  required: ['name'],
  anyOf: [
    { type: 'object', required: ['valueFrom'] },
    { type: 'object', required: ['value'], properties: { name: { type: 'string', pattern: '^(?!.*(PASSWORD|SECRET_KEYS$|TOKEN|DATABASE_URL|REDIS_URL)).*$' } } },
  ],
};

/** A container of a workload: image with a tag, both probes, requests and limits. */
export const containerSchema: Schema = {
  type: 'object',
  required: ['name', 'image', 'readinessProbe', 'livenessProbe', 'resources'],
  properties: {
    name,
    image: { type: 'string', pattern: '^[^:@]+(:[A-Za-z0-9._-]+)$' },
    readinessProbe: probe,
    livenessProbe: probe,
    env: { type: 'array', items: envVar },
    resources: {
      type: 'object',
      required: ['requests', 'limits'],
      properties: {
        requests: { type: 'object', required: ['cpu', 'memory'], additionalProperties: quantity },
        limits: { type: 'object', required: ['cpu', 'memory'], additionalProperties: quantity },
      },
    },
  },
};

/** Any rendered object: a DNS-1123 name (an API server rule, not in the schema) and labels. */
export const objectSchema: Schema = {
  type: 'object',
  required: ['metadata'],
  properties: {
    metadata: { type: 'object', required: ['name', 'labels'], properties: { name, namespace: name } },
  },
};

/** A KEDA TriggerAuthentication taking its bearer token from the TrustSync Secret (never inline). */
export const triggerAuthenticationSchema: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['secretTargetRef'],
      properties: {
        secretTargetRef: {
          type: 'array',
          minItems: 1,
          items: { type: 'object', required: ['parameter', 'name', 'key'], properties: { parameter: { type: 'string', enum: ['token'] }, name: { type: 'string', enum: ['trustsync-secrets'] }, key: { type: 'string' } } },
        },
      },
    },
  },
};

/** A KEDA ScaledObject scaling on the queue-depth endpoint. */
export const scaledObjectSchema: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['scaleTargetRef', 'minReplicaCount', 'maxReplicaCount', 'triggers'],
      properties: {
        scaleTargetRef: { type: 'object', required: ['name'] },
        minReplicaCount: { type: 'integer', minimum: 0 },
        maxReplicaCount: { type: 'integer', minimum: 1 },
        triggers: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            // The queue-depth endpoint needs an API key: a bearer token from a TriggerAuthentication.
            required: ['type', 'metadata', 'authenticationRef'],
            properties: {
              type: { type: 'string', enum: ['metrics-api'] },
              authenticationRef: { type: 'object', required: ['name'], properties: { name } },
              metadata: { type: 'object', required: ['url', 'valueLocation', 'targetValue', 'authMode'], properties: { url: { type: 'string', pattern: '/api/v1/queues/metrics$' }, valueLocation: { type: 'string', pattern: '^queues\\.[a-z-]+\\.total$' }, authMode: { type: 'string', enum: ['bearer'] } } },
            },
          },
        },
      },
    },
  },
};
