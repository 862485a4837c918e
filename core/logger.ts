import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** Paths that may hold credentials anywhere in a log object; pino censors them. */
const REDACTED = [
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'apiKey',
  '*.apiKey',
  // The legacy spellings: ?api_key= (seed 004) and REST login answers.
  'api_key',
  '*.api_key',
  'access_token',
  '*.access_token',
  // Webhook signing secrets (whsec_…) and the rows that hold them.
  'secret',
  '*.secret',
  'previousSecret',
  '*.previousSecret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.cookie',
  'req.headers.cookie',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACTED, censor: '[redacted]' }, base: { pid: process.pid } },
    destination ?? process.stdout,
  );
}
