#!/usr/bin/env node
// In this repository: runs the TypeScript sources through tsx. The published package's command is
// the compiled dist/bin.js instead (package.json `publishConfig.bin`).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
