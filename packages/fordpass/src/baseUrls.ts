/**
 * Where each part of Ford's API lives. They default to Ford's real hosts; a test (or a proxy) points
 * them elsewhere, e.g. every role at the simulator's single origin.
 */
export interface BaseUrls {
  /** Azure B2C sign-in and code exchange. The default means "the region's own login host". */
  login: string;
  /** Foundational API: CAT tokens and their refresh. */
  foundational: string;
  /** Autonomic accounts: the RFC 8693 token exchange. */
  autonomic: string;
  /** Vehicle API: the expdashboard vehicle list. */
  vehicleApi: string;
  /** Autonomic telemetry (status). */
  telemetry: string;
  /** Autonomic commands. */
  command: string;
}

export const DEFAULT_BASE_URLS: Readonly<BaseUrls> = Object.freeze({
  login: 'https://login.ford.com',
  foundational: 'https://api.foundational.ford.com',
  autonomic: 'https://accounts.autonomic.ai',
  vehicleApi: 'https://api.vehicle.ford.com',
  telemetry: 'https://api.autonomic.ai',
  command: 'https://api.autonomic.ai',
});

/** Fills in defaults and drops trailing slashes so paths can be appended verbatim. */
export function resolveBaseUrls(overrides: Partial<BaseUrls> = {}): BaseUrls {
  const merged = { ...DEFAULT_BASE_URLS, ...overrides };
  for (const [role, url] of Object.entries(merged)) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new TypeError(`base URL for ${role} must be http(s): ${url}`);
    }
    (merged as Record<string, string>)[role] = url.replace(/\/+$/, '');
  }
  return merged;
}

/** Every role at one origin, as the Ford simulator (or a recording proxy) serves them. */
export function sameOrigin(origin: string): BaseUrls {
  return {
    login: origin,
    foundational: origin,
    autonomic: origin,
    vehicleApi: origin,
    telemetry: origin,
    command: origin,
  };
}
