import { defineConfig } from '@configflow/cli';

// What `configflow serve`, `run` and `viz` load from this directory.
export default defineConfig({
  integrations: ['./src/integration.ts'],
  dataDir: '.configflow',
  port: 8123,
});
