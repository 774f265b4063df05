{
  "targets": [
    {
      "target_name": "lawgpt_matmul",
      "sources": ["matmul.cc", "matmul-kernels.h", "stored-kernels.h", "stored-glue.h", "attention-glue.h"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno"],
      "cflags!": ["-O2"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17"] }
    }
  ]
}
