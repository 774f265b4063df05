import { readFileSync, rmSync } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OutputLockedError } from './errors.js';

/** Name of the lock file a training run keeps in its output folder. */
export const LOCK_FILE = 'train.lock';

/** What a lock file records about the run holding it. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** The command line of the process. */
  command: string;
}

/** A held lock: release it when the run ends (it is also removed if the process exits without that). */
export interface OutputLock {
  path: string;
  /** The owner of a lock left by a run that is gone (removed before this one was taken). */
  staleOwner?: LockOwner;
  release(): Promise<void>;
}

/** Lock files this process holds (a second run in the same process is refused too). */
const held = new Set<string>();

/** True unless the owner is known to be gone: its process is not running on this host. */
function isAlive(owner: LockOwner, path: string): boolean {
  if (owner.hostname !== hostname()) return true; // cannot tell; the message says how to clear it
  if (owner.pid === process.pid) return held.has(path); // a lock of this pid not held now: an earlier process
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return Number.isInteger(owner?.pid) ? owner : undefined;
  } catch {
    return undefined; // torn or being written
  }
}

/** Remove a stale lock, unless another run replaced it meanwhile (then that one is in force). */
async function removeStale(path: string, stale: string): Promise<boolean> {
  const aside = `${path}.stale-${process.pid}`;
  try {
    await rename(path, aside);
  } catch {
    return true; // already gone: try again
  }
  if ((await readFile(aside, 'utf8').catch(() => '')) === stale) {
    await rm(aside, { force: true });
    return true;
  }
  await rename(aside, path).catch(() => undefined); // a live lock taken in between: put it back
  return false;
}

/**
 * Take `<dir>/train.lock` (created exclusively, holding PID, host, time and command). A lock whose process is
 * gone is stale: it is removed and reported in `staleOwner`. A live one is an {@link OutputLockedError}.
 */
export async function acquireOutputLock(dir: string): Promise<OutputLock> {
  const path = join(dir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv.join(' '),
  };
  let staleOwner: LockOwner | undefined;
  let acquired = false;
  for (let attempt = 0; attempt < 50 && !acquired; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${JSON.stringify(owner)}\n`);
      await handle.close();
      acquired = true;
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // removed meanwhile
    const found = await readOwner(path);
    const age = Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (found && isAlive(found, path)) {
      throw new OutputLockedError(
        `${dir} is in use by another training run (pid ${found.pid} on ${found.hostname}, since ${found.startedAt}: ${found.command}); ` +
          `wait for it to end, or use another output folder. If no such run exists, delete ${path}`,
        { path, pid: found.pid },
      );
    }
    if (!found && age < 2000) {
      await new Promise((resolve) => setTimeout(resolve, 50)); // being written right now
      continue;
    }
    if (await removeStale(path, text)) staleOwner = found ?? staleOwner;
  }
  if (!acquired) {
    throw new OutputLockedError(`${dir}: could not take ${path}`, { path });
  }
  held.add(path);
  const releaseOnExit = () => {
    // process.exit() skips finally blocks: remove the lock if it is still ours
    try {
      if ((JSON.parse(readFileSync(path, 'utf8')) as LockOwner).pid === process.pid) rmSync(path);
    } catch {}
  };
  process.on('exit', releaseOnExit);
  return {
    path,
    staleOwner,
    async release() {
      process.off('exit', releaseOnExit);
      held.delete(path);
      if ((await readOwner(path))?.pid === process.pid) await rm(path, { force: true });
    },
  };
}
