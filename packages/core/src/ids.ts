import { randomBytes } from 'node:crypto';

/** Unguessable ids: 128 random bits, hex. A flow id is a capability to drive that flow. */
export const randomId = (): string => randomBytes(16).toString('hex');
