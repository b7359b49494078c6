/**
 * The one logging surface of use cases, jobs and adapters (a pino or Fastify request logger fits).
 * Never handed a secret. A part that logs only a few levels asks for `Pick<Logger, 'info' | 'warn'>`,
 * so a test can hand it a small object.
 *
 * @example
 * const log: Logger = pino();
 * log.warn({ locationId }, 'could not write the batch to the outbox folder');
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (tests, the CLI's quiet paths). */
export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
