// Job descriptor shared by csrc/matmul.c and csrc/gemv-packed.c, written by JavaScript (int32 fields, in this
// order; src/kernels/internal/wasm-matmul.ts mirrors it).
#ifndef LAWGPT_JOB_H
#define LAWGPT_JOB_H

#define JOB_GEMM 0          // C = A · B (every transpose, broadcast batches): matmul.c
#define JOB_PACKED_GEMV 1   // y[1, n] = x[1, k] · W with W pre-packed by pack_gemv (b = panels): gemv-packed.c

typedef struct {
  int a, b, c;            // byte addresses of the operand bases
  int m, n, k;            // logical sizes
  int trans_a, trans_b;   // storage order flags
  int batch;              // number of output matrices
  int a_offsets;          // byte address of int32[batch]: element offset of A's matrix per output batch
  int b_offsets;          // same for B
  int scratch;            // byte address of thread 0's scratch; thread t uses scratch + t * SCRATCH_FLOATS * 4
  int next_unit;          // work counter, 0 when the job is posted; threads claim units with an atomic add
  int kind;               // JOB_GEMM or JOB_PACKED_GEMV
} job_t;

void run_packed_gemv(job_t *job);

#endif
