// Global setup of the fault suite: one tally file for every worker, summed up and printed at the end.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { CaseRecord } from './tally.js';

let dir: string;

export function setup(project: TestProject): void {
  dir = mkdtempSync(join(tmpdir(), 'lawgpt-faults-'));
  const file = join(dir, 'tally.jsonl');
  writeFileSync(file, '');
  project.provide('faultTally', file);
}

export function teardown(): void {
  const records = readFileSync(join(dir, 'tally.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CaseRecord);
  rmSync(dir, { recursive: true, force: true });
  const columns = ['named', 'handled', 'unnamed', 'accepted', 'crash', 'hang'] as const;
  const groups = [...new Set(records.map((entry) => entry.group))].sort();
  const row = (name: string, rows: CaseRecord[]) =>
    `| ${name} | ${rows.length} | ${columns.map((column) => rows.filter((entry) => entry.outcome === column).length).join(' | ')} | ${rows.reduce((sum, entry) => sum + entry.lost, 0)} |`;
  const lines = [
    '| group | cases | named errors | interrupts handled | unnamed errors | accepted | crashes | hangs | data lost |',
    '|---|---|---|---|---|---|---|---|---|',
    ...groups.map((group) =>
      row(
        group,
        records.filter((entry) => entry.group === group),
      ),
    ),
    row('**all**', records),
  ];
  console.log(`\nFault suite tally (${new Date().toISOString().slice(0, 10)}):\n${lines.join('\n')}\n`);
  for (const entry of records.filter((item) => !['named', 'handled'].includes(item.outcome) || item.lost > 0))
    console.log(
      `  ${entry.outcome}${entry.lost ? `, lost ${entry.lost}` : ''}: ${entry.group} / ${entry.name}`,
    );
}
