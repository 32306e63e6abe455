import type { Schema } from './schema-check';

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

/** Any rendered object. */
export const objectSchema: Schema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata'],
  properties: {
    apiVersion: { type: 'string', pattern: '^([a-z0-9.]+/)?v[0-9]+((alpha|beta)[0-9]+)?$' },
    kind: { type: 'string', enum: ['ConfigMap', 'Service', 'Deployment', 'StatefulSet', 'Job', 'PodDisruptionBudget', 'ScaledObject', 'TriggerAuthentication', 'HorizontalPodAutoscaler'] },
    metadata: { type: 'object', required: ['name', 'labels'], properties: { name, namespace: name } },
  },
};

/** A KEDA TriggerAuthentication taking its bearer token from the TrustSync Secret (never inline). */
export const triggerAuthenticationSchema: Schema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string', enum: ['keda.sh/v1alpha1'] },
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
    apiVersion: { type: 'string', enum: ['keda.sh/v1alpha1'] },
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
