import { request } from 'node:http';
import { startTestServer, type TestServer } from '../fixtures/testApp.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request with exactly the headers given (fetch would add its own `Host`, `Origin`-less
 * defaults and a `Content-Type` for string bodies): what a browser or an attacker's script sends.
 */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Servers started by a test file, stopped after each test. */
export function serverPool() {
  const servers: TestServer[] = [];
  return {
    async start(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
      const t = await startTestServer(opts);
      servers.push(t);
      return t;
    },
    async stopAll(): Promise<void> {
      for (const s of servers.splice(0)) await s.stop();
    },
  };
}
