/** Config `image`: the decoder and the limits of the image routes and `mleg scan-image`. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/config.js';

const parse = (image: unknown) => parseConfig({ trust: { file: 'trust.json' }, image }, 'test.json', '/srv').image;

t.test('defaults: zxing-wasm (it reads more, faster: README), 25 megapixels, 5 seconds', async (t) => {
  t.same(parseConfig({ trust: { file: 'trust.json' } }, 'test.json', '/srv').image, { decoder: 'zxing-wasm', maxPixels: 25_000_000, timeoutMs: 5000 });
  t.same(parse({}), { decoder: 'zxing-wasm', maxPixels: 25_000_000, timeoutMs: 5000 });
});

t.test('each key can be set', async (t) => {
  t.same(parse({ decoder: 'zxing-js', maxPixels: 12_000_000, timeoutMs: 250 }), { decoder: 'zxing-js', maxPixels: 12_000_000, timeoutMs: 250 });
  t.same(parse({ decoder: 'zxing-wasm' }).decoder, 'zxing-wasm');
});

t.test('a wrong value is refused, naming the key', async (t) => {
  const cases: [unknown, RegExp][] = [
    [{ decoder: 'jsqr' }, /"image\.decoder" must be one of "zxing-wasm", "zxing-js"/],
    [{ decoder: 1 }, /"image\.decoder" must be one of/],
    [{ maxPixels: 0 }, /"image\.maxPixels" must be an integer from 1 to 268402689/],
    [{ maxPixels: 300_000_000 }, /"image\.maxPixels" must be an integer from 1/],
    [{ maxPixels: '25000000' }, /"image\.maxPixels" must be an integer/],
    [{ maxPixels: 2.5 }, /"image\.maxPixels" must be an integer/],
    [{ timeoutMs: 5 }, /"image\.timeoutMs" must be an integer from 10 to 120000/],
    [{ timeoutMs: null }, /"image\.timeoutMs" must be an integer/],
    [{ decoders: 'zxing-js' }, /unknown key "image\.decoders"/],
    ['zxing-js', /"image" must be an object/],
  ];
  for (const [image, message] of cases) t.throws(() => parse(image), { name: 'ConfigError', message }, JSON.stringify(image));
});

t.test('from a file, as `mleg serve --config` reads it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-image-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ trust: { file: 'trust.json' }, image: { decoder: 'zxing-js', timeoutMs: 2000 } }));
  t.same(loadConfig(file).image, { decoder: 'zxing-js', maxPixels: 25_000_000, timeoutMs: 2000 });
  writeFileSync(file, JSON.stringify({ trust: { file: 'trust.json' }, image: { timeout: 2000 } }));
  t.throws(() => loadConfig(file), new ConfigError(`${file}: unknown key "image.timeout"`));
});
