import { createRequire } from 'node:module';

/** The package version, shown in the OpenAPI document and health answers. */
export const GATEWAY_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
