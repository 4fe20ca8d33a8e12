import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from '@configflow/ford-simulator';
import { type Route, routeOf } from '../wire.ts';

/** One request an instance sent towards Ford, as the wire saw it: the soak's ground truth. */
export interface WireRecord {
  seq: number;
  at: number;
  /** The process that sent it (the slot's process at the time). */
  instance: string;
  route: Route | undefined;
  /** The account it is charged to, when the credential names one. */
  subject: string | undefined;
  /** Status reads: the vehicle. */
  vin: string | undefined;
  /** Refreshes: the refresh token presented. */
  presented: string | undefined;
  /** Whether Ford saw it (a request held and dropped at a kill never reached Ford). */
  forwarded: boolean;
  status: number | undefined;
  /** Ford's `errorCode` on a refused refresh (460: the refresh token is dead). */
  errorCode: string | undefined;
  /** The refresh token Ford minted in its answer (sign-in or rotation). */
  issued: string | undefined;
  /** Whether the answer reached the instance (false: it was killed first). */
  delivered: boolean;
}

/** How the next refresh of one slot is treated: held before Ford sees it, or answered by Ford and then swallowed. */
export type Trap = 'hold' | 'swallow';

interface Armed {
  trap: Trap;
  /** The route trapped: refreshes, or a flow's sign-in (`cat`). */
  route: Route;
  /** Called with the refresh held (hold) or answered by Ford (swallow); the answer is dropped once it resolves. */
  sprung: (record: WireRecord) => Promise<void>;
}

function subjectOf(token: string | undefined): string | undefined {
  if (!token) return undefined;
  const sub = decodeJwt(token)?.payload.sub;
  return typeof sub === 'string' ? sub : undefined;
}

function credential(route: Route | undefined, req: IncomingMessage, body: string): string | undefined {
  try {
    if (route === 'refresh') return (JSON.parse(body) as { refresh_token?: string }).refresh_token;
    if (route === 'cat') return (JSON.parse(body) as { idpToken?: string }).idpToken;
    if (route === 'autonomic') return new URLSearchParams(body).get('subject_token') ?? undefined;
  } catch {
    return undefined;
  }
  if (route === 'vehicles') return String(req.headers['auth-token'] ?? '') || undefined;
  if (route === 'status' || route === 'command')
    return String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') || undefined;
  return undefined;
}

/** The body is passed on whole: framing headers of the hop before do not apply to the next. */
function hopByHopRemoved(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[] | undefined> {
  const { 'transfer-encoding': _te, connection: _c, 'keep-alive': _k, ...rest } = headers;
  return rest;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * A loopback proxy in front of the simulator, one port per instance slot (a restarted process keeps
 * its slot's port), so every request Ford sees is attributed to the process that sent it. It is also
 * where a kill "mid refresh" is timed: a refresh can be held before Ford sees it, or swallowed after.
 */
export class Wire {
  readonly log: WireRecord[] = [];
  private readonly servers: Server[] = [];
  private readonly names: string[] = [];
  private readonly armed = new Map<number, Armed>();
  private seq = 0;

  constructor(private readonly simUrl: string) {}

  /** Opens slot `slot`'s port; returns its origin (the instance's `--ford-api`). */
  async open(slot: number): Promise<string> {
    const server = createServer((req, res) => void this.handle(slot, req, res));
    server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.servers[slot] = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Which process speaks on a slot from now on. */
  name(slot: number, instance: string): void {
    this.names[slot] = instance;
  }

  /** The slot's next request on `route` is trapped; `sprung` runs when it is (and usually kills the process). */
  arm(
    slot: number,
    trap: Trap,
    sprung: (record: WireRecord) => Promise<void>,
    route: Route = 'refresh',
  ): void {
    this.armed.set(slot, { trap, sprung, route });
  }

  disarm(slot: number): void {
    this.armed.delete(slot);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    );
  }

  private async handle(slot: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req).catch(() => Buffer.alloc(0));
    const route = routeOf(`http://x${req.url ?? '/'}`);
    const text = body.toString('utf8');
    const cred = credential(route, req, text);
    const record: WireRecord = {
      seq: ++this.seq,
      at: Date.now(),
      instance: this.names[slot] ?? `slot${slot}`,
      route,
      subject: subjectOf(cred),
      vin:
        route === 'status'
          ? decodeURIComponent(/\/vehicles\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '')
          : undefined,
      presented: route === 'refresh' ? cred : undefined,
      forwarded: false,
      status: undefined,
      errorCode: undefined,
      issued: undefined,
      delivered: false,
    };
    this.log.push(record);
    const trapped = this.armed.get(slot);
    const armed = trapped && trapped.route === route ? trapped : undefined;
    if (armed) this.armed.delete(slot);
    if (armed?.trap === 'hold') {
      // Ford never sees it: the process dies holding the account lock, its request unanswered.
      await armed.sprung(record).catch(() => {});
      res.destroy();
      return;
    }
    record.forwarded = true;
    let answer: { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };
    try {
      answer = await this.forward(req, body);
    } catch {
      res.destroy();
      return;
    }
    record.status = answer.status;
    try {
      const json = JSON.parse(answer.body.toString('utf8')) as {
        refresh_token?: string;
        errorCode?: string | number;
      };
      if (answer.status === 200 && (route === 'refresh' || route === 'cat'))
        record.issued = json.refresh_token;
      if (json.errorCode !== undefined) record.errorCode = String(json.errorCode);
      if (route === 'cat' && record.issued) record.subject = subjectOf(record.issued);
    } catch {
      // not JSON: nothing to learn
    }
    if (armed?.trap === 'swallow') {
      // Ford rotated; the process dies before it reads the answer (the known gap: the pair is lost).
      await armed.sprung(record).catch(() => {});
      res.destroy();
      return;
    }
    if (res.destroyed || req.socket.destroyed) return;
    res.writeHead(answer.status, hopByHopRemoved(answer.headers));
    res.end(answer.body, () => {
      record.delivered = true;
    });
  }

  private forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    const target = new URL(this.simUrl);
    return new Promise((resolve, reject) => {
      const up = request(
        `${this.simUrl}${req.url}`,
        {
          method: req.method,
          headers: { ...hopByHopRemoved(req.headers), host: target.host, connection: 'close' },
        },
        (reply) => {
          readAll(reply).then(
            (b) => resolve({ status: reply.statusCode ?? 502, headers: reply.headers, body: b }),
            reject,
          );
        },
      );
      up.on('error', reject);
      up.end(body);
    });
  }
}
