import { isLoopback } from './hostGuard.ts';

export interface Exposure {
  /** The interface the server binds. */
  host: string;
  token?: string | undefined;
  /** Serve a non-loopback interface with no token anyway (a trusted network, a proxy doing auth). */
  allowRemoteWithoutToken?: boolean | undefined;
}

/**
 * Why serving this way is refused, or `undefined` when it is fine. The API can add integrations and
 * read diagnostics, so anything beyond this machine must present a token, as Jupyter requires one for
 * any remote access; an empty token is refused outright rather than read as "no token".
 */
export function exposureProblem({ host, token, allowRemoteWithoutToken }: Exposure): string | undefined {
  if (token === '') return 'the API token must not be empty';
  if (token !== undefined || isLoopback(host)) return undefined;
  if (allowRemoteWithoutToken) return undefined;
  return `binding ${host} exposes the API beyond this machine: set a token (--token or CONFIGFLOW_TOKEN), or pass --allow-remote-without-token`;
}
