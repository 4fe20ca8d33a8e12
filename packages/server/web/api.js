// The browser side of the HTTP API: JSON requests with the bearer token, and the event stream.

const TOKEN_KEY = 'configflow.token';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** A token from `#token=…` in the address wins (and is then removed from the address bar). */
export function initToken() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** Whether requests carry a token (a 401 then means the server refused it, not that one is missing). */
export function hasToken() {
  return Boolean(sessionStorage.getItem(TOKEN_KEY));
}

function headers(extra = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

export async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new ApiError(res.status, typeof data === 'object' ? data : { message: String(data) });
  return data;
}

/**
 * Reads `/api/events` with fetch rather than EventSource, because EventSource cannot send the
 * Authorization header. Reconnects with a growing pause; `onStatus` reports 'live' or 'offline'.
 */
export function subscribe(onEvent, onStatus) {
  let stopped = false;
  let pause = 500;
  const controller = new AbortController();
  const run = async () => {
    while (!stopped) {
      try {
        const res = await fetch('/api/events', { headers: headers(), signal: controller.signal });
        if (res.status === 401) throw new ApiError(401, { message: 'unauthorized' });
        if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut = buffer.indexOf('\n\n');
          while (cut >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const message = parseBlock(block);
            if (message) {
              if (message.event === 'ready') {
                pause = 500;
                onStatus('live');
              }
              onEvent(message.event, message.data);
            }
            cut = buffer.indexOf('\n\n');
          }
        }
      } catch (error) {
        if (stopped) return;
        if (error instanceof ApiError) onStatus('unauthorized');
      }
      if (stopped) return;
      onStatus('offline');
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 10_000);
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}

function parseBlock(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return undefined;
  try {
    return { event, data: JSON.parse(data.join('\n')) };
  } catch {
    return undefined;
  }
}
