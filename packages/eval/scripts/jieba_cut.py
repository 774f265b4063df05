"""Python jieba 0.42.1 as LawBench's ROUGE-L calls it: `jieba.cut(text)` (accurate mode, HMM on).

Reads JSON lines (one string each) on stdin, writes JSON lines (the list of words) on stdout.
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
    sys.stdout.write(json.dumps(list(jieba.cut(json.loads(line)))) + '\n')
