import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/configflow-ford-simulator.js', import.meta.url));

it('prints its URL, serves requests and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--demo'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        const match = /Ford simulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.on('exit', () => reject(new Error(`exited early: ${output}`)));
    });
    const accounts = (await (await fetch(`${url}/_sim/accounts`)).json()) as {
      accounts: { username: string }[];
    };
    expect(accounts.accounts[0]?.username).toBe('demo@example.com');
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
});
