/**
 * The result display: the page at `/` (hand-written HTML, CSS and JS from ./display/, no
 * external assets, its own Content-Security-Policy), and what it reads:
 *
 * - GET /v1/display/config?lane=…  the lane's name, how long a result stays up, which
 *   holder fields the screen shows, the verdict texts in Polish and English;
 * - GET /v1/display/events?lane=…  the scans of that lane (all lanes without `lane`) as
 *   Server-Sent Events, redacted here, on the server, to the fields the lane's screen may
 *   show (`display.show`), with the framing, catch-up and end of /v1/events and a
 *   heartbeat the page can see.
 *
 * Manual entry on the page posts to /v1/verify.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import { forLane, HOLDER_FIELDS, LAYOUTS, shownFields, type DisplayConfig } from '../config/display.js';
import { laneIds, type TerminalConfig } from '../config/terminal.js';
import type { EventBus } from '../events/event-bus.js';
import { VERDICTS } from '../verify/verdicts.js';
import { displayLane, toDisplayResult, VERDICT_TEXTS, type DisplayScan } from './display-view.js';
import { streamEvents } from './events-routes.js';
import { loadPageAssets, sendAsset } from './page-assets.js';

export interface DisplayRoutesOptions {
  display: DisplayConfig;
  bus: EventBus;
  heartbeatMs: number;
  /** The open event streams (shared with /v1/events: counted, and ended when the service stops). */
  open: Set<ServerResponse>;
  /** The configured lanes and scanners: where scans can come from. */
  terminal: Pick<TerminalConfig, 'lanes' | 'scanners'>;
}

export { DISPLAY_CSP } from './page-assets.js';

const laneQuery = {
  type: 'object',
  properties: { lane: { type: 'string', minLength: 1, maxLength: 200, description: "The screen's lane; without it, every lane" } },
} as const;

const fieldList = { type: 'array', items: { type: 'string', enum: [...HOLDER_FIELDS] } } as const;

const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['lane', 'known', 'lanes', 'holdSeconds', 'heartbeatSeconds', 'show', 'layout', 'timeZone', 'statusWarnAgeSeconds', 'verdicts'],
  properties: {
    lane: { type: ['string', 'null'] },
    known: { type: 'boolean', description: 'whether scans can come from this lane (false: manual entry only)' },
    lanes: { type: 'array', items: { type: 'string' } },
    holdSeconds: { type: 'integer' },
    heartbeatSeconds: { type: 'integer' },
    show: fieldList,
    layout: { type: 'string', enum: [...LAYOUTS], description: 'desk: with the manual-entry field; gate: the verdict filling the screen, no entry field' },
    timeZone: { type: 'string', description: 'the IANA time zone the page shows times in' },
    statusWarnAgeSeconds: { type: 'integer', description: 'a result whose status list is older says so' },
    verdicts: {
      type: 'object',
      additionalProperties: false,
      required: [...VERDICTS],
      properties: Object.fromEntries(
        VERDICTS.map((v) => [v, { type: 'object', additionalProperties: false, required: ['pl', 'en'], properties: { pl: { type: 'string' }, en: { type: 'string' } } }]),
      ),
    },
  },
} as const;


export const displayRoutes: FastifyPluginAsync<DisplayRoutesOptions> = async (app, o) => {
  const assets = loadPageAssets();
  const holdMs = o.display.holdSeconds * 1000;
  const lanes = laneIds(o.terminal);
  for (const key of ['show', 'layout'] as const) {
    for (const lane of Object.keys(o.display[key].lanes)) {
      if (!lanes.includes(lane)) app.log.warn({ lane }, `display.${key}.lanes names a lane no scanner is in: only manual entry on /?lane= uses it`);
    }
  }

  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendAsset(assets, 'index.html', reply));
  app.get<{ Params: { file: string } }>('/display/:file', { schema: { hide: true } }, async (request, reply) => sendAsset(assets, request.params.file, reply));

  app.get<{ Querystring: { lane?: string } }>(
    '/v1/display/config',
    { schema: { summary: "What the display page needs to know about its lane", tags: ['display'], querystring: laneQuery, response: { 200: configSchema } } },
    async (request) => {
      const lane = request.query.lane ?? null;
      return {
        lane,
        known: lane === null || lanes.includes(lane),
        lanes,
        holdSeconds: o.display.holdSeconds,
        heartbeatSeconds: o.heartbeatMs / 1000,
        show: shownFields(o.display, lane),
        layout: forLane(o.display.layout, lane),
        timeZone: o.display.timeZone,
        statusWarnAgeSeconds: o.display.statusWarnAgeSeconds,
        verdicts: VERDICT_TEXTS,
      };
    },
  );

  app.get<{ Querystring: { lane?: string } }>(
    '/v1/display/events',
    {
      schema: {
        summary: "Scans of one lane for its screen, holder fields limited to what the screen may show",
        description: 'Server-Sent Events: `event: scan` with {scanner, lane, result}; `event: heartbeat`. After Last-Event-ID, only scans still on screen (display.holdSeconds) are caught up.',
        tags: ['display'],
        querystring: laneQuery,
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const screenLane = request.query.lane ?? null;
      const show = shownFields(o.display, screenLane);
      streamEvents(request, reply, {
        ...o,
        heartbeat: 'event',
        select: (event, live) => {
          if (event.type !== 'scan') return undefined;
          const lane = displayLane(event.data);
          if (screenLane !== null && lane !== screenLane) return undefined;
          // A screen that reconnects shows what it missed only while that would still be up.
          if (!live && Date.now() - Date.parse(event.data.result.checked_at) > holdMs) return undefined;
          const data: DisplayScan = { scanner: event.data.scanner, lane, result: toDisplayResult(event.data.result, show) };
          return { type: 'scan', data };
        },
      });
    },
  );
};
