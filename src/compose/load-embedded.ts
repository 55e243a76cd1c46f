import type { Config } from '../config';
import type { EmbeddedComponents } from '../container';

/**
 * The IAM simulator and dynalite, loaded only when the config asks for one of them: a run on
 * real AWS never loads them, and the Lambda bundle, which never calls this, never contains them.
 * `require`, not `import()`: this is CommonJS, and Jest runs it without Node's VM modules.
 */
export function embeddedFor(config: Config): EmbeddedComponents | undefined {
  if (config.iam.kind !== 'embedded' && config.state.kind !== 'embedded') return undefined;
  return loadEmbedded();
}

/** Every embedded component, whatever the config says: `doctor` tries each setting it is given. */
export function loadEmbedded(): EmbeddedComponents {
  return (require('./embedded') as typeof import('./embedded.js')).embeddedComponents;
}
