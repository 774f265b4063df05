/** One CSV record and the 1-based line of the file it starts on. */
export interface CsvRow {
  fields: string[];
  line: number;
}

/**
 * Split RFC 4180 CSV text into records: quoted fields may hold commas, newlines and `""` quotes. Each record
 * keeps the line it starts on, so a caller can name `file:line` in its errors. A quote left open at the end
 * of the text is reported through `unterminatedAt` (the line where the open field started).
 */
export function splitCsv(text: string): { rows: CsvRow[]; unterminatedAt?: number } {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 1;
  const endRow = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') rows.push({ fields, line: rowLine });
    fields = [];
    field = '';
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
      quoteLine = line;
    } else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      endRow();
      line++;
      rowLine = line;
    } else field += char;
  }
  if (field !== '' || fields.length > 0) endRow();
  return quoted ? { rows, unterminatedAt: quoteLine } : { rows };
}
