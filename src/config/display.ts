/**
 * The display part of the configuration: whether `/` serves the result page, how long a
 * result stays on screen, and which holder fields each lane's screen may show.
 */
import type { Field } from './schema.js';

/** Holder fields a screen may be allowed to show (SPEC 7 `holder`). */
export const HOLDER_FIELDS = ['given_name', 'family_name', 'birthdate'] as const;
export type HolderField = (typeof HOLDER_FIELDS)[number];

export interface DisplayConfig {
  enabled: boolean;
  holdSeconds: number;
  /** Holder fields a screen shows: per lane (the `?lane=` of the page), else `default`. */
  show: { default: HolderField[]; lanes: Record<string, HolderField[]> };
}

const fields: Field = { kind: 'array', item: { kind: 'enum', values: HOLDER_FIELDS } };

export const DISPLAY_SCHEMA: Field = {
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
  },
};

/** The holder fields the screen of `lane` (null: the page without `?lane=`) may show. */
export function shownFields(display: DisplayConfig, lane: string | null): HolderField[] {
  return (lane !== null && Object.hasOwn(display.show.lanes, lane) ? display.show.lanes[lane] : undefined) ?? display.show.default;
}
