/**
 * A part of the server that a request needs is not configured or not reachable (no archive, no job
 * writer, the database server gone): 503, with a message the caller may see. Defined here, below both
 * the services and the database layer, so either can raise it.
 */
export class UnavailableError extends Error {
  readonly status = 503;
}
