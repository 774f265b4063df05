"""Python jieba 0.42.1's `jieba.cut(text, HMM=...)` (accurate mode), with the HMM on (as LawBench's ROUGE-L calls it)
and off (as data-gen's ROUGE-L filter does).

Reads JSON lines (one string each) on stdin, writes JSON lines `[words with HMM, words without]` on stdout.
Used by jieba-golden.ts; run with Debian's interpreter: /usr/bin/python3 (python3-jieba).
"""
import json
import logging
import sys

import jieba

if jieba.__version__ != '0.42.1':
    sys.exit(f'expected jieba 0.42.1, found {jieba.__version__}')
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
meta = {'jieba': jieba.__version__, 'total': jieba.dt.total}
sys.stdout.write(json.dumps(meta) + '\n')
for line in sys.stdin:
    text = json.loads(line)
    words = [list(jieba.cut(text)), list(jieba.cut(text, HMM=False))]
    sys.stdout.write(json.dumps(words) + '\n')
