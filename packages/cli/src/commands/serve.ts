/** `configflow serve`: not wired yet. */
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('configflow serve: not available yet\n');
  return 1;
}
