#!/usr/bin/env node
// The published command: compiled JavaScript, no TypeScript loader unless a config file is TypeScript.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
