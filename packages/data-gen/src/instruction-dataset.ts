import { DataGenOptionError } from './errors.js';
import type { InstructionRecord } from './instruction-record.js';
import { writeFileAtomic } from './jsonl.js';

/** Counts that describe an instruction dataset. */
export interface DatasetCard {
  name: string;
  records: number;
  /** Records per template name. */
  templates: Record<string, number>;
  /** Records per source: law title, case file (`cail:data_train`), or `teacher:<model>` / `seed`. */
  sources: Record<string, number>;
  /** Mean characters of instruction + input + output. */
  meanCharacters: number;
  seed?: number;
  createdWith: string;
}

function sourceOf(record: InstructionRecord): string {
  const { provenance } = record;
  if (provenance.kind === 'case') return (provenance.caseId ?? 'case').replace(/#.*$/, '');
  if (provenance.kind === 'teacher') return `teacher:${provenance.model ?? 'unknown'}`;
  if (provenance.kind === 'seed') return 'seed';
  return provenance.law ?? 'statute';
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Count records per template and per source. */
export function buildDatasetCard(options: {
  records: InstructionRecord[];
  name?: string;
  seed?: number;
}): DatasetCard {
  const { records, name = 'lawgpt-instructions', seed } = options;
  const templates: Record<string, number> = {};
  const sources: Record<string, number> = {};
  let characters = 0;
  for (const record of records) {
    increment(templates, record.template);
    increment(sources, sourceOf(record));
    characters += record.instruction.length + record.input.length + record.output.length;
  }
  const card: DatasetCard = {
    name,
    records: records.length,
    templates,
    sources,
    meanCharacters: records.length ? Math.round(characters / records.length) : 0,
    createdWith: '@lawgpt/data-gen',
  };
  if (seed !== undefined) card.seed = seed;
  return card;
}

/** The card as Markdown (a README for the dataset). */
export function formatDatasetCard(card: DatasetCard): string {
  const table = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([key, value]) => `| ${key} | ${value} |`)
      .join('\n');
  return [
    `# ${card.name}`,
    '',
    `${card.records} instruction records (Alpaca \`{instruction, input, output}\`), mean ${card.meanCharacters} characters,`,
    `made by ${card.createdWith}${card.seed !== undefined ? ` with seed ${card.seed}` : ''}. Each record's \`provenance\``,
    'names the law and article or the case it was built from.',
    '',
    '## Records per template',
    '',
    '| template | records |',
    '|---|---:|',
    table(card.templates),
    '',
    '## Records per source',
    '',
    '| source | records |',
    '|---|---:|',
    table(card.sources),
    '',
  ].join('\n');
}

/** Options of {@link writeInstructionDataset}. */
export interface WriteInstructionDatasetOptions {
  records: InstructionRecord[];
  /** Output file. */
  path: string;
  /** `json`: one Alpaca JSON array; `jsonl`: one record per line. Default from the extension (`.jsonl` → jsonl). */
  format?: 'json' | 'jsonl';
  /** Keep `template` and `provenance` next to the Alpaca fields (default true). */
  metadata?: boolean;
}

/** Write records as Alpaca JSON or JSONL, atomically. */
export async function writeInstructionDataset(options: WriteInstructionDatasetOptions): Promise<void> {
  const { records, path, format = path.endsWith('.jsonl') ? 'jsonl' : 'json', metadata = true } = options;
  if (format !== 'json' && format !== 'jsonl') {
    throw new DataGenOptionError({ field: 'format', expected: 'json or jsonl', actual: format });
  }
  const rows = records.map((record) =>
    metadata ? record : { instruction: record.instruction, input: record.input, output: record.output },
  );
  const content =
    format === 'json'
      ? `${JSON.stringify(rows, null, 2)}\n`
      : rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length ? '\n' : '');
  await writeFileAtomic(path, content);
}
