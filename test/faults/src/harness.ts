// Child processes for the fault suite: the real `lawgpt` bin (optionally with inject.mjs), output captured,
// patterns awaited, real signals sent, and a hard timeout that counts as a hang.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@lawgpt/test-helpers';

export const cliBin = join(repoRoot, 'packages/cli/bin/lawgpt.js');
const injectScript = fileURLToPath(new URL('./inject.mjs', import.meta.url));

/** How a child ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Killed by the harness after `timeoutMs`. */
  hung: boolean;
  ms: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link start}. */
export interface StartOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** A run longer than this is a hang: SIGKILL. Default 90 s. */
  timeoutMs?: number;
  /**
   * Fault injection (see inject.mjs): `slow`/`busy` = "<regex>=<ms>", `at` = "<op>:<regex>:<n>:<SIGNAL>",
   * `mark` = "<regex>" (a stderr line before each matching file operation, to wait for).
   */
  fault?: { slow?: string; busy?: string; at?: string; mark?: string };
}

/** A running child with its output so far. */
export class Child {
  readonly process: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly listeners = new Set<() => void>();

  constructor(command: string, args: string[], options: StartOptions = {}) {
    const { cwd = repoRoot, env = {}, timeoutMs = 90_000, fault } = options;
    const started = Date.now();
    const faultEnv: Record<string, string> = {};
    if (fault?.slow) faultEnv.FAULT_SLOW = fault.slow;
    if (fault?.busy) faultEnv.FAULT_BUSY = fault.busy;
    if (fault?.at) faultEnv.FAULT_AT = fault.at;
    if (fault?.mark) faultEnv.FAULT_MARK = fault.mark;
    this.process = spawn(command, fault ? ['--import', injectScript, ...args] : args, {
      cwd,
      env: { ...process.env, LAWGPT_DEBUG: '', ...faultEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout!.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
      for (const listener of this.listeners) listener();
    });
    this.process.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      for (const listener of this.listeners) listener();
    });
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      this.process.kill('SIGKILL');
    }, timeoutMs);
    this.exited = new Promise((resolve) => {
      this.process.on('close', (code, signal) => {
        clearTimeout(timer);
        for (const listener of this.listeners) listener();
        resolve({ code, signal, hung, ms: Date.now() - started, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Resolves once stdout or stderr matches `pattern`; rejects if the child exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}`)), timeoutMs);
      const check = () => {
        if (pattern.test(this.stdout) || pattern.test(this.stderr)) done();
        else if (this.process.exitCode !== null || this.process.signalCode !== null)
          done(new Error(`exited before ${pattern}:\n${this.stderr.slice(-2000)}`));
      };
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Send a real signal. */
  kill(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }
}

/** Start `lawgpt <args>`. */
export function lawgpt(args: string[], options?: StartOptions): Child {
  return new Child(process.execPath, [cliBin, ...args], options);
}

/** Run `lawgpt <args>` to the end. */
export function runLawgpt(args: string[], options?: StartOptions): Promise<Exit> {
  return lawgpt(args, options).exited;
}

/** Everything the child printed, for assertion messages. */
export const output = (exit: Exit) => `exit ${exit.code ?? exit.signal}\n${exit.stdout}\n${exit.stderr}`;
