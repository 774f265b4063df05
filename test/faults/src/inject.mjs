// Fault injection for child processes: `node --import <this file> packages/cli/bin/lawgpt.js …`.
// It wraps node:fs/promises (and FileHandle writes) so a test can slow a job down or send the process a real
// signal at an exact file operation, e.g. "SIGKILL while checkpoint-4/trainable.safetensors is half written".
//   FAULT_SLOW="<regex>=<ms>"          delay every matching operation (to give a test time to interrupt)
//   FAULT_BUSY="<regex>=<ms>"          spin synchronously before every matching operation (a long step: signals
//                                      wait for the event loop, as they do during a real model's forward pass)
//   FAULT_AT="<op>:<regex>:<n>:<SIG>"  before the n-th matching op, process.kill(process.pid, SIG)
//   FAULT_MARK="<regex>"               print "fault-mark <op> <path>" to stderr before every matching op
// op is write (FileHandle.write/writeFile/appendFile), rename (source or target), rm, read (readFile) or open.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const promises = fs.promises;
const slow = process.env.FAULT_SLOW?.match(/^(.*)=(\d+)$/);
const slowPattern = slow ? new RegExp(slow[1]) : undefined;
const slowMs = slow ? Number(slow[2]) : 0;
const busy = process.env.FAULT_BUSY?.match(/^(.*)=(\d+)$/);
const busyPattern = busy ? new RegExp(busy[1]) : undefined;
const at = process.env.FAULT_AT?.match(/^(\w+):(.*):(\d+):(SIG\w+)$/);
const atPattern = at ? new RegExp(at[2]) : undefined;
const markPattern = process.env.FAULT_MARK ? new RegExp(process.env.FAULT_MARK) : undefined;
let seen = 0;

async function before(op, ...paths) {
  const names = paths.filter((path) => typeof path === 'string');
  if (markPattern && names.some((path) => markPattern.test(path)))
    fs.writeSync(2, `fault-mark ${op} ${names.join(' ')}\n`);
  if (busyPattern && names.some((path) => busyPattern.test(path))) {
    const until = Date.now() + Number(busy[2]);
    while (Date.now() < until) {}
  }
  if (slowPattern && names.some((path) => slowPattern.test(path)))
    await new Promise((resolve) => setTimeout(resolve, slowMs));
  if (at && at[1] === op && names.some((path) => atPattern.test(path)) && ++seen === Number(at[3])) {
    process.kill(process.pid, at[4]);
    // SIGKILL ends the process here; another signal is handled once the event loop turns
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const handlePaths = new WeakMap();
const original = {
  open: promises.open,
  writeFile: promises.writeFile,
  appendFile: promises.appendFile,
  rename: promises.rename,
  rm: promises.rm,
  readFile: promises.readFile,
};
promises.open = async (path, ...rest) => {
  await before('open', String(path));
  const handle = await original.open(path, ...rest);
  handlePaths.set(handle, String(path));
  return handle;
};
promises.writeFile = async (path, ...rest) => {
  await before('write', typeof path === 'object' ? handlePaths.get(path) : String(path));
  return original.writeFile(path, ...rest);
};
promises.appendFile = async (path, ...rest) => {
  await before('write', String(path));
  return original.appendFile(path, ...rest);
};
promises.rename = async (from, to) => {
  await before('rename', String(from), String(to));
  return original.rename(from, to);
};
promises.rm = async (path, ...rest) => {
  await before('rm', String(path));
  return original.rm(path, ...rest);
};
promises.readFile = async (path, ...rest) => {
  await before('read', typeof path === 'object' ? handlePaths.get(path) : String(path));
  return original.readFile(path, ...rest);
};

// FileHandle.prototype: reach it through a handle of this file.
const probe = await original.open(new URL(import.meta.url), 'r');
const prototype = Object.getPrototypeOf(probe);
await probe.close();
for (const method of ['write', 'writeFile']) {
  const wrapped = prototype[method];
  prototype[method] = async function (...args) {
    await before('write', handlePaths.get(this));
    return wrapped.apply(this, args);
  };
}
syncBuiltinESMExports();
