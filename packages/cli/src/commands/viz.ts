/** `configflow viz`: not wired yet. */
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('configflow viz: not available yet\n');
  return 1;
}
