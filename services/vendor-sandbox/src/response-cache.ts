import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Remembers the JSON body of each successful GET by URL and Authorization header, with the headers
 * the vendor's router set (paging totals, Link), and answers the same request again with them
 * instead of building them anew. Headers set before the router (the traffic accounting's) stay
 * those of the request at hand. Any other method clears it (a change to the tenant), and so does
 * `clear()`.
 *
 * What it is for: a benchmark on one machine, where the simulated vendor's cost of generating and
 * serialising its pages would otherwise share the cores with the TrustSync processes measured.
 */
export class ResponseCache {
  private readonly answers = new Map<string, { headers: Record<string, string>; body: Buffer }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  clear(): void {
    this.answers.clear();
    this.bytes = 0;
  }

  /** The middleware to mount in front of a vendor's router (after its traffic accounting). */
  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET') {
        this.clear();
        return next();
      }
      const key = `${req.originalUrl}\n${req.get('authorization') ?? ''}`;
      const cached = this.answers.get(key);
      if (cached) {
        res.status(200).set(cached.headers).type('application/json').send(cached.body);
        return;
      }
      const before = new Set(res.getHeaderNames());
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        if (res.statusCode !== 200) return json(body);
        const bytes = Buffer.from(JSON.stringify(body));
        if (this.bytes + bytes.length <= this.maxBytes) {
          const headers = Object.fromEntries(res.getHeaderNames().filter((h) => !before.has(h)).map((h) => [h, String(res.getHeader(h))]));
          this.answers.set(key, { headers, body: bytes });
          this.bytes += bytes.length;
        }
        return res.type('application/json').send(bytes);
      };
      next();
    };
  }
}
