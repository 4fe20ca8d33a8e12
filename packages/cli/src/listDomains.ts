import { ConfigError } from './config.ts';
import { projectFlows } from './project.ts';

/** One line naming where the integrations come from and their domains (for `configflow help`). */
export async function listDomains(cwd = process.cwd()): Promise<string> {
  try {
    const { project, flows } = await projectFlows({ cwd });
    const domains = flows.map((f) => f.domain).join(', ');
    return project.file
      ? `Integrations in ${project.file}: ${domains}`
      : `Integrations (the demo): ${domains}`;
  } catch (error) {
    if (error instanceof ConfigError) return `Integrations: none loaded (${error.message})`;
    throw error;
  }
}
