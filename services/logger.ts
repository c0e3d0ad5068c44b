import pino, { Logger } from 'pino';

export type { Logger };

/**
 * Paths never written to logs: personal data and message bodies. Message text is logged only at
 * debug level, by the code that chooses to, never through these fields.
 */
const REDACT = [
  'password', '*.password', 'token', '*.token', 'idNumber', '*.idNumber', 'phone', '*.phone',
  'text', '*.text', 'body', '*.body', 'address', '*.address',
  'req.headers.authorization', 'headers.authorization',
  // A failed query carries its values (a resident's phone, what they wrote): never log them.
  'err.parameters', 'err.sql', 'err.query', 'err.driverError.sql', 'err.driverError.parameters',
  'error.parameters', 'error.sql', 'error.query',
];

/** The process logger: JSON lines on stdout, personal fields redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined }, destination);
}
