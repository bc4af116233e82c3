/**
 * The display part of the configuration: whether `/` serves the result page, how long a
 * result stays on screen, which holder fields and which layout each lane's screen has,
 * the time zone its times are shown in, and from what age of a status list it warns.
 */
import { ConfigError, type Field, type ValueOf } from './schema.js';

/** Holder fields a screen may be allowed to show (SPEC 7 `holder`). */
export const HOLDER_FIELDS = ['given_name', 'family_name', 'birthdate'] as const;
export type HolderField = (typeof HOLDER_FIELDS)[number];

/**
 * How a screen is laid out: `desk`, a till's or an inspector's screen with the manual-entry
 * field; `gate`, a screen at a turnstile, the verdict filling it and no entry field.
 */
export const LAYOUTS = ['desk', 'gate'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** A setting per lane (the `?lane=` of the page), else `default`. */
export interface PerLane<T> {
  default: T;
  lanes: Record<string, T>;
}

const fields = { kind: 'array', item: { kind: 'enum', values: HOLDER_FIELDS } } as const;
const layout = { kind: 'enum', values: LAYOUTS } as const;

export const DISPLAY_SCHEMA = {
  kind: 'object',
  fields: {
    enabled: { kind: 'boolean', default: true },
    holdSeconds: { kind: 'integer', default: 5, min: 1, max: 3600 },
    show: {
      kind: 'object',
      fields: {
        // Nothing by default: a screen in a public hall shows no names or birthdates unless told to.
        default: { ...fields, default: [] },
        lanes: { kind: 'map', value: fields },
      },
    },
    layout: { kind: 'object', fields: { default: { ...layout, default: 'desk' }, lanes: { kind: 'map', value: layout } } },
    /** IANA time zone of every time and date the page shows (the screen's own zone does not count). Where the IDs are issued and valid to the end of a day (src/issuer/valid-until.ts). */
    timeZone: { kind: 'string', default: 'Europe/Warsaw', nonEmpty: true },
    /** A result whose status list is older than this says so. Half of status.maxAgeSeconds' default: a day's warning before a list stops being used. */
    statusWarnAgeSeconds: { kind: 'integer', default: 86400, min: 60 },
  },
} as const satisfies Field;

export type DisplayConfig = ValueOf<typeof DISPLAY_SCHEMA>;

/** What the schema cannot say: the time zone must be one the JavaScript runtime (and so a browser) knows. */
export function checkDisplayConfig(display: DisplayConfig, source: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: display.timeZone });
  } catch {
    throw new ConfigError(`${source}: "display.timeZone" must be an IANA time zone like "Europe/Warsaw", not ${JSON.stringify(display.timeZone)}`);
  }
}

/** The lane's own setting (null: the page without `?lane=`), else the default. */
export function forLane<T>(setting: PerLane<T>, lane: string | null): T {
  return (lane !== null && Object.hasOwn(setting.lanes, lane) ? setting.lanes[lane] : undefined) ?? setting.default;
}

/** The holder fields the screen of `lane` (null: the page without `?lane=`) may show. */
export function shownFields(display: DisplayConfig, lane: string | null): HolderField[] {
  return forLane(display.show, lane);
}
