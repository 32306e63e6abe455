import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '@trustsync/core';

/** What every log line written while serving a request carries. */
export interface RequestContext {
  requestId: string;
}

/** Header a caller (or a proxy) may set; echoed on every answer. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

// A caller's id is kept only when it is short and plain, so it cannot forge log fields or blow up lines.
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the caller's X-Request-Id (or makes one), echoes it and runs the rest of the request inside its context. */
export function requestContextMiddleware(store: AsyncLocalStorage<RequestContext>): RequestHandler {
  return (req, res, next) => {
    const given = req.get(REQUEST_ID_HEADER);
    const requestId = given && ACCEPTED_ID.test(given) ? given : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.locals.requestId = requestId;
    store.run({ requestId }, next);
  };
}

/**
 * A logger that adds the current request's id to every line, whichever handler writes it.
 * Built like winston's own `child()` (an object over the logger with its own `write`), but the
 * fields come from the request's async context instead of being fixed once.
 */
export function requestScopedLogger(logger: Logger, store: AsyncLocalStorage<RequestContext>): Logger {
  return Object.create(logger, {
    write: {
      value(info: Record<string, unknown>) {
        const ctx = store.getStore();
        return logger.write(ctx ? { requestId: ctx.requestId, ...info } : info);
      },
    },
  }) as Logger;
}
