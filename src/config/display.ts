/**
 * The display part of the configuration: whether `/` serves the result page, how long a
 * result stays on screen, and which holder fields each lane's screen may show.
 */
import type { Field, ValueOf } from './schema.js';

/** Holder fields a screen may be allowed to show (SPEC 7 `holder`). */
export const HOLDER_FIELDS = ['given_name', 'family_name', 'birthdate'] as const;
export type HolderField = (typeof HOLDER_FIELDS)[number];

const fields = { kind: 'array', item: { kind: 'enum', values: HOLDER_FIELDS } } as const;

export const DISPLAY_SCHEMA = {
  kind: 'object',
  fields: {
    enabled: { kind: 'boolean', default: true },
    holdSeconds: { kind: 'integer', default: 5, min: 1, max: 3600 },
    /** Holder fields a screen shows: per lane (the `?lane=` of the page), else `default`. */
    show: {
      kind: 'object',
      fields: {
        // Nothing by default: a screen in a public hall shows no names or birthdates unless told to.
        default: { ...fields, default: [] },
        lanes: { kind: 'map', value: fields },
      },
    },
  },
} as const satisfies Field;

export type DisplayConfig = ValueOf<typeof DISPLAY_SCHEMA>;

/** The holder fields the screen of `lane` (null: the page without `?lane=`) may show. */
export function shownFields(display: DisplayConfig, lane: string | null): HolderField[] {
  return (lane !== null && Object.hasOwn(display.show.lanes, lane) ? display.show.lanes[lane] : undefined) ?? display.show.default;
}
