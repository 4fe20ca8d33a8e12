export { type App, type AppOptions, type AppSetup, createApp } from './app.ts';
export {
  ConfigError,
  type ConfigflowConfig,
  defineConfig,
  type IntegrationContext,
  type IntegrationExport,
  type IntegrationFactory,
} from './config.ts';
export { main } from './main.ts';
