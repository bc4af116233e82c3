/**
 * POST /v1/verify/image and POST /v1/decode (SPEC 7): a camera picture in, every QR code
 * in it out, verified or as read. Image bodies are parsed only here; the decoder is
 * loaded with the first image, not when the service starts.
 */
import type { FastifyError, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ImageDecoder, type DecodedImage, type ImageOptions } from '../scan/image/decode-image.js';
import type { Verifier } from '../verifier.js';
import { sendError } from './http-errors.js';
import { errorReplies } from './schemas.js';

export interface ImageRoutesOptions {
  verifier: Verifier;
  image: ImageOptions;
}

/** SPEC 7: "up to 8 MiB". */
const IMAGE_BODY_LIMIT = 8 * 1024 * 1024;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

/*
 * Image errors carry their own code and status (src/errors.ts): 400 the body is not an image
 * we can read; 413 more pixels than image.maxPixels (as for a body over 8 MiB: too big to take
 * on); 503 the decode deadline passed — it includes waiting for the decoder, so the same
 * picture may well go through when the service is less busy, hence "unavailable, try again"
 * rather than "unprocessable".
 */

const codesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['codes'],
  properties: {
    codes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['text', 'format'],
        properties: { text: { type: 'string' }, format: { type: 'string' } },
      },
    },
  },
} as const;

const resultsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['results'],
  properties: { results: { type: 'array', items: { $ref: 'result#' } } },
} as const;

export const imageRoutes: FastifyPluginAsync<ImageRoutesOptions> = async (app, { verifier, image }) => {
  const decoder = new ImageDecoder(image);
  app.addHook('onClose', () => decoder.close());

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', `unsupported content type; send ${IMAGE_TYPES.join(', ')}`);
    throw error; // the application's handler answers the rest, image errors included
  });

  const decode = async (request: FastifyRequest): Promise<DecodedImage> => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const decoded = await decoder.decode(body);
    // Counts and sizes only: never the text of a code.
    request.log.info(
      { decoder: image.decoder, width: decoded.width, height: decoded.height, codes: decoded.codes.length, pass: decoded.pass, passes: decoded.passes },
      'image decoded',
    );
    return decoded;
  };
  const routeOptions = (summary: string, reply: object) => ({
    bodyLimit: IMAGE_BODY_LIMIT,
    schema: { summary, tags: ['images'], response: { 200: reply, ...errorReplies(400, 413, 415, 503) } },
  });

  app.post('/v1/decode', routeOptions('The QR codes in a picture, as read (nothing verified)', codesSchema), async (request) => {
    const { codes } = await decode(request);
    return { codes: codes.map(({ text, format }) => ({ text, format })) };
  });

  app.post('/v1/verify/image', routeOptions('Verify every QR code in a picture', resultsSchema), async (request) => {
    const { codes } = await decode(request);
    const results = [];
    for (const { text } of codes) results.push(await verifier.verify(text, 'image')); // in reading order: replay memory sees them in that order
    if (results.length === 1) request.verdict = results[0]!.verdict;
    return { results };
  });
};
