/** zxing-wasm must take its WebAssembly from node_modules: left to itself it fetches it from a CDN. */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import t from 'tap';
import { qrPng } from '../../../src/issuer/qr.js';
import { greyOf } from '../../helpers/code-sheet.js';

t.test('decodes with every fetch refused, and fetches nothing', async (t) => {
  const fetched: string[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request) => {
    fetched.push(String(input instanceof Request ? input.url : input));
    throw new Error('no network in this test');
  };
  t.teardown(() => {
    globalThis.fetch = realFetch;
  });
  // Imported only now, so that nothing has instantiated the module before fetch was replaced.
  const { createZxingWasmDecoder, ZXING_WASM_FILE } = await import('../../../src/scan/image/zxing-wasm-decoder.js');
  t.match(ZXING_WASM_FILE, /node_modules[/\\]zxing-wasm[/\\]dist[/\\]reader[/\\]zxing_reader\.wasm$/);
  const { ZXING_WASM_SHA256 } = await import('zxing-wasm/reader');
  t.equal(createHash('sha256').update(readFileSync(ZXING_WASM_FILE)).digest('hex'), ZXING_WASM_SHA256, 'the binary belongs to the installed package');

  const decoder = await createZxingWasmDecoder();
  const codes = await decoder.decode(await greyOf(await qrPng('MLEG1:offline')));
  t.same(codes.map((c) => c.text), ['MLEG1:offline']);
  t.same(fetched, [], 'no fetch was attempted');
});
