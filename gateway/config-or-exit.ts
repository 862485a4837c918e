import { ConfigError, loadConfig, type AppConfig, type ProcessRole } from './config.ts';

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
