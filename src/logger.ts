/**
 * The service's log: pino, structured, and censoring by field name so that no payload,
 * name, birthdate or document number reaches a log line even when someone logs a whole
 * result.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { isoMillis } from './iso-time.js';

export type { Logger } from 'pino';

const PERSONAL = new Set(['payload', 'payloads', 'holder', 'given_name', 'family_name', 'birthdate', 'doc_no', 'body']);
const CENSOR = '[redacted]';
/** Deeper than anything the service logs; below it a value is dropped whole rather than walked. */
const MAX_DEPTH = 8;

/**
 * `fields` with the value of every personal field, at any depth of its plain objects,
 * arrays and errors, replaced by "[redacted]". Returns `fields` itself when there is nothing to
 * censor, so a line of a few flat fields costs a few Set lookups. (pino's path redaction,
 * used before, ran its wildcard paths over every line and every child logger's bindings,
 * several times the cost: bench/results/findings.md.)
 */
export function censorPersonal<T>(fields: T, depth = 0): T {
  if (typeof fields !== 'object' || fields === null) return fields;
  if (depth > MAX_DEPTH) return CENSOR as T;
  if (Array.isArray(fields)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < fields.length; i++) {
      const value: unknown = fields[i];
      const censored = censorPersonal(value, depth + 1);
      if (censored !== value) (copy ??= fields.slice())[i] = censored;
    }
    return (copy ?? fields) as T;
  }
  const proto = Object.getPrototypeOf(fields) as object | null;
  const isError = fields instanceof Error;
  if (proto !== Object.prototype && proto !== null && !isError) return fields; // buffers, dates, class instances: not walked
  const object = fields as Record<string, unknown>;
  // An error's own properties (its `cause` too, which is not enumerable) reach the log through
  // pino's err serialiser; a copy keeps its prototype, message and stack.
  const keys = isError ? Object.getOwnPropertyNames(object) : Object.keys(object);
  let copy: Record<string, unknown> | undefined;
  for (const key of keys) {
    const value = object[key];
    const censored = PERSONAL.has(key) ? CENSOR : censorPersonal(value, depth + 1);
    if (censored !== value) {
      copy ??= isError ? (Object.create(proto, Object.getOwnPropertyDescriptors(object)) as Record<string, unknown>) : { ...object };
      copy[key] = censored;
    }
  }
  return (copy ?? fields) as T;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const log = pino(
    {
      level,
      base: { service: 'mleg' },
      formatters: { log: censorPersonal },
      // pino's isoTime formats a Date for every line (~2 µs); the same text, made from the second's.
      timestamp: () => `,"time":"${isoMillis(Date.now())}"`,
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
  // A child's bindings are written once, when it is made, and pino's formatters never see
  // them: censored here. Children of children inherit this method from the root.
  const pinoChild = log.child;
  log.child = function child(this: Logger, bindings, options) {
    return pinoChild.call(this, censorPersonal(bindings), options);
  } as typeof log.child;
  return log;
}
