// Writes .br and .gz next to every .js, .wasm, .css and .svg file in a folder, so the server
// can send compressed bytes without compressing on each request.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.argv[2];
for (const name of readdirSync(dir)) {
  if (!/\.(js|wasm|css|svg|json|webmanifest)$/.test(name)) continue;
  const path = join(dir, name);
  const raw = readFileSync(path);
  const br = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });
  const gz = gzipSync(raw, { level: 9 });
  writeFileSync(path + ".br", br);
  writeFileSync(path + ".gz", gz);
  console.log(`${name}: ${raw.length} bytes, brotli ${br.length}, gzip ${gz.length}`);
}
