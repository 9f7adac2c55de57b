// Runs a WASI command module under Node's WASI (preview1), as a user would:
// read, compile, instantiate and run. The harness times the whole process.
//   node bench/node-wasi.mjs prog.wasm [args...]
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { argv, exit } from 'node:process';

const file = argv[2];
const wasi = new WASI({ version: 'preview1', args: argv.slice(2), env: {}, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
exit(wasi.start(instance));
