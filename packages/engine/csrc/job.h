// Job descriptors shared by the C sources of the multi-thread module, written by JavaScript (int32 fields, in
// this order; src/kernels/internal/wasm-matmul.ts and src/weights/internal/stored-job.ts mirror them). Every job
// starts with its kind and the work counter that threads claim units from.
#ifndef LAWGPT_JOB_H
#define LAWGPT_JOB_H

#define JOB_GEMM 0          // C = A · B (every transpose, broadcast batches): matmul.c
#define JOB_PACKED_GEMV 1   // y[1, n] = x[1, k] · W with W pre-packed by pack_gemv (b = panels): gemv-packed.c
#define JOB_STORED_MATMUL 2 // y[count, rows] = x[count, cols] · Wᵀ, W stored [rows, cols]: stored.c
#define JOB_STORED_MATMUL_T 3 // dx[count, cols] = dy[count, rows] · W: stored.c
#define JOB_CONVERT 4       // rows of one stored format into another: stored.c
#define JOB_ATTENTION 5     // attention of query rows over a KV cache block: attention.c

typedef struct {
  int kind;               // JOB_GEMM or JOB_PACKED_GEMV
  int next_unit;          // work counter, 0 when the job is posted; threads claim units with an atomic add
  int a, b, c;            // byte addresses of the operand bases
  int m, n, k;            // logical sizes
  int trans_a, trans_b;   // storage order flags
  int batch;              // number of output matrices
  int a_offsets;          // byte address of int32[batch]: element offset of A's matrix per output batch
  int b_offsets;          // same for B
  int scratch;            // byte address of thread 0's scratch; thread t uses scratch + t * SCRATCH_FLOATS * 4
} job_t;

// Weight formats are named by their ggml type codes (GGUF tensor types).
#define FMT_F32 0
#define FMT_F16 1
#define FMT_Q4_0 2
#define FMT_Q8_0 8
#define FMT_BF16 30

typedef struct {
  int kind;               // JOB_STORED_MATMUL, JOB_STORED_MATMUL_T or JOB_CONVERT
  int next_unit;
  int format;             // FMT_* of W (of the destination for JOB_CONVERT)
  unsigned w;             // byte address of W's row 0
  int rows, cols;         // W is [rows, cols] (nn.Linear's [out, in])
  int count;              // rows of x and y
  unsigned x;             // f32 x [count, cols]; dy [count, rows] for MATMUL_T; source rows for CONVERT
  unsigned xq;            // x as Q8 activation blocks [count][cols / 32] (Q8_0 / Q4_0 weights)
  unsigned y;             // f32 y [count, rows]; dx [count, cols] for MATMUL_T
  unsigned scratch;       // thread 0's scratch; thread t uses scratch + t * scratch_bytes
  unsigned scratch_bytes;
  int source_format;      // JOB_CONVERT: FMT_* of the source rows
} stored_job_t;

typedef struct {
  int kind;               // JOB_ATTENTION
  int next_unit;
  unsigned q;             // f32 queries [batch][heads][queries][head_dim]
  unsigned kv;            // cache block: K then V, each [batch][kv_heads][capacity][head_dim]
  int batch, heads, kv_heads, queries, head_dim, capacity;
  int keys;               // positions attended to (past + new)
  float scale;
  unsigned bias;          // f32 additive mask [bias_batch][queries][keys], or 0
  int bias_batch;         // 1 (shared by every row) or batch
  unsigned out;           // f32 [batch][heads][queries][head_dim]
  int f16;                // the cache holds IEEE halves
  unsigned scratch;       // thread t's scratch at scratch + t * scratch_bytes: keys + head_dim floats
  unsigned scratch_bytes;
} attention_job_t;

void run_packed_gemv(job_t *job);
void run_attention_job(attention_job_t *job, int thread);
void run_stored_job(stored_job_t *job, int thread);
void gemm_rect(const float *a, int a_rs, int a_cs, const float *b, int b_rs, int b_cs, float *c_base, int ldc, int m,
               int n, int k, float *scratch);

#endif
