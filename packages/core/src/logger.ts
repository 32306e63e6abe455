import winston from 'winston';

const SECRET_KEY_PATTERN =
  /^(authorization|proxy-authorization|cookie|set-cookie|password|passwd|secret|.*_secret|.*Secret|token|.*_token|.*Token|api[_-]?key|apiKey|x-api-key|private[_-]?key|privateKey|credentials|client_assertion|jwt)$/i;
const BEARER_PATTERN = /\b(Bearer|SSWS|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g;
const REDACTED = '[REDACTED]';

/** Known secret values that must never reach a log line, whatever key they hide under. */
export class SecretRegistry {
  private readonly values = new Set<string>();

  /** Adds a value (ignored when shorter than 6 characters, to keep masking meaningful). */
  add(value: string | undefined | null): void {
    if (value && value.length >= 6) this.values.add(value);
  }

  /** Replaces every registered value and every bearer-style token inside `text`. */
  scrub(text: string): string {
    let out = text.replace(BEARER_PATTERN, `$1 ${REDACTED}`);
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }
}

/** Deep copy of `value` with secret-named keys masked and registered secret values scrubbed. */
export function redact(value: unknown, registry: SecretRegistry, depth = 0): unknown {
  if (typeof value === 'string') return registry.scrub(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) return redactError(value, registry);
  if (Array.isArray(value)) return value.map((v) => redact(v, registry, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactEntry(k, v, registry, depth + 1);
  return out;
}

/** One field: masked whole when its name says it is a secret, else redacted inside. */
function redactEntry(key: string, value: unknown, registry: SecretRegistry, depth: number): unknown {
  return SECRET_KEY_PATTERN.test(key) && value !== null && value !== undefined && value !== '' ? REDACTED : redact(value, registry, depth);
}

/**
 * Errors are reduced to name, message, code, status and stack. An axios error in particular is
 * never logged whole: its config carries the Authorization header.
 */
function redactError(err: Error, registry: SecretRegistry): Record<string, unknown> {
  const e = err as Error & { code?: unknown; status?: unknown; response?: { status?: number }; config?: { url?: string; method?: string } };
  return {
    name: err.name,
    message: registry.scrub(err.message),
    code: e.code,
    status: e.status ?? e.response?.status,
    request: e.config ? `${(e.config.method ?? 'get').toUpperCase()} ${stripQuery(e.config.url ?? '')}` : undefined,
    stack: err.stack ? registry.scrub(err.stack) : undefined,
  };
}

function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}

function redactFormat(registry: SecretRegistry): winston.Logform.Format {
  return winston.format((info) => {
    // The top-level fields of a log call are checked by name too (`logger.info('…', { client_secret })`).
    for (const key of Object.keys(info)) {
      (info as Record<string, unknown>)[key] = redactEntry(key, info[key], registry, 0);
    }
    return info;
  })();
}

/** The logger type every package accepts; children carry request, job and integration ids. */
export type Logger = winston.Logger;

/** Options for `createLogger`. */
export interface LoggerOptions {
  service: string;
  level?: string;
  registry?: SecretRegistry;
  /** Extra transports (tests capture lines with one); the console is always present. */
  transports?: winston.transport[];
  silent?: boolean;
}

/** Structured JSON logger with redaction of secret keys, bearer tokens and registered secret values. */
export function createLogger(opts: LoggerOptions): Logger {
  const registry = opts.registry ?? new SecretRegistry();
  return winston.createLogger({
    level: opts.level ?? 'info',
    defaultMeta: { service: opts.service },
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      redactFormat(registry),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console({ silent: opts.silent }), ...(opts.transports ?? [])],
  });
}
