import type { AppConfig, ProcessRole } from './app-config.ts';
import { ConfigError } from './config-error.ts';
import { loadConfig } from './load-config.ts';

/** For entry points: the configuration, or one line naming the bad variable and exit code 1. */
export function loadConfigOrExit(role: ProcessRole): AppConfig {
  try {
    return loadConfig(process.env, role);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
