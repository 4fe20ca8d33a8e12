/** `configflow run`: not wired yet. */
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('configflow run: not available yet\n');
  return 1;
}
