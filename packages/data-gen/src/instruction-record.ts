/** Where an instruction record's knowledge came from. */
export interface Provenance {
  /**
   * `statute` (articles of a law), `case` (a CAIL-style case), `teacher` (generated), `seed` (seed task),
   * `exam` (an exam question, explained from statutes or by a teacher).
   */
  kind: 'statute' | 'case' | 'teacher' | 'seed' | 'exam';
  /** Full law title, for statute-backed records. */
  law?: string;
  /** Article labels such as `第一百三十三条之一`. */
  articles?: string[];
  versionDate?: string | null;
  /** Statute file (relative to the statute folder) or case file. */
  path?: string;
  /** `cail:<file>#<line>` for case-backed records. */
  caseId?: string;
  /** Charge name for charge-backed records. */
  charge?: string;
  /** Teacher model name for generated or rewritten records. */
  model?: string;
  /** Self-instruct request number that produced the record. */
  request?: number;
  /** Id of the exam question an `exam` record was made from (see `ExamQuestion.id`). */
  questionId?: string;
  /** Articles an `exam` record's explanation cites: full law title (or the name as written) and article label. */
  citations?: { law: string; article: string }[];
  /** Teacher model that rewrote the record in the cleaning pass. */
  cleanedBy?: string;
}

/** An Alpaca-style instruction record plus the template that made it and its provenance. */
export interface InstructionRecord {
  instruction: string;
  input: string;
  output: string;
  /** Template or generator name, e.g. `recitation`, `case-charge`, `self-instruct`. */
  template: string;
  provenance: Provenance;
}
