import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { type ApiOptions, createApi } from './createApi.ts';
import { exposureProblem } from './exposure.ts';
import { isLoopback } from './hostGuard.ts';
import type { ServerApp } from './serverApp.ts';

export interface StartServerOptions extends ApiOptions {
  app: ServerApp;
  /** 0 picks a free port (default 8123, Home Assistant's). */
  port?: number;
  /** Loopback by default: the API can change integrations, so exposing it is a deliberate choice. */
  host?: string;
  /** Bind a non-loopback host without a token (refused otherwise). */
  allowRemoteWithoutToken?: boolean;
}

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  host: string;
  port: number;
  /** Stops accepting connections, ends event streams and waits for requests in flight. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8123;
export const DEFAULT_HOST = '127.0.0.1';

/** Serves the API and web UI over the given app. The app stays the caller's to close. */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const problem = exposureProblem({
    host,
    token: opts.token,
    allowRemoteWithoutToken: opts.allowRemoteWithoutToken,
  });
  if (problem) throw new RangeError(`configflow: ${problem}`);
  const { http, events } = createApi(opts.app, { ...opts, loopbackOnly: isLoopback(host) });
  const server = createAdaptorServer({ fetch: http.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        events.closeAll();
        // Keep-alive sockets would hold `close` open until they time out: drop each once it is idle
        // (an event stream becomes idle a moment after closeAll), and anything left after a grace period.
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        const hard = setTimeout(() => server.closeAllConnections(), 2_000);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(hard);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
