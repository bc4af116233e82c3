/**
 * The bodies of the portal's forms: `application/x-www-form-urlencoded` (every form) and
 * `multipart/form-data` (the CSV upload, parsed by the Fetch API's own reader, undici's,
 * from the bounded body Fastify has already read). Nothing else is taken (415).
 */
import type { FastifyInstance } from 'fastify';
import { MlegError } from '../../errors.js';

export interface UploadedFile {
  name: string;
  bytes: Buffer;
}

export class FormBody {
  readonly #fields: Map<string, string[]>;
  readonly #files: Map<string, UploadedFile>;

  constructor(fields: Iterable<[string, string]>, files: Map<string, UploadedFile> = new Map()) {
    this.#fields = new Map();
    for (const [k, v] of fields) this.#fields.set(k, [...(this.#fields.get(k) ?? []), v]);
    this.#files = files;
  }

  /** The field's first value. */
  get(name: string): string | undefined {
    return this.#fields.get(name)?.[0];
  }

  all(name: string): string[] {
    return this.#fields.get(name) ?? [];
  }

  /** An uploaded file with some content, if the form sent one. */
  file(name: string): UploadedFile | undefined {
    return this.#files.get(name);
  }
}

/** Registers both parsers on `app` (its other parsers removed: nothing else is a form). */
export function takeForms(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, new FormBody(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (request, body, done) => {
    readMultipart(body as Buffer, request.headers['content-type']!).then(
      (form) => done(null, form),
      (err: Error) => done(err, undefined),
    );
  });
}

async function readMultipart(body: Buffer, contentType: string): Promise<FormBody> {
  let data: FormData;
  try {
    data = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new MlegError('BODY_INVALID', 'the multipart/form-data body cannot be read');
  }
  const fields: [string, string][] = [];
  const files = new Map<string, UploadedFile>();
  for (const [name, value] of data) {
    if (typeof value === 'string') fields.push([name, value]);
    else if (value.size > 0 && !files.has(name)) files.set(name, { name: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return new FormBody(fields, files);
}
