export { CannotConnect, demoClient, type HelloClient, InvalidAuth } from './client.ts';
export { createHelloFlow } from './flow.ts';
export { createHelloIntegration } from './integration.ts';
export { strings } from './strings.ts';
