#!/usr/bin/env python3
"""Averages the weights of model directories of one architecture (a "model soup": Wortsman et al. 2022).
Usage: tools/train/average-models.py OUT DIR1 DIR2 [...]   (F16 or F32 safetensors; OUT gets DIR1's other files)
Python's standard library only, so it needs nothing the project does not install."""
import json, shutil, struct, sys
from array import array
from pathlib import Path

def read(path):  # -> (header, tensor data, header bytes with their length prefix)
    data = Path(path).read_bytes()
    n = struct.unpack('<Q', data[:8])[0]
    return json.loads(data[8:8 + n]), data[8 + n:], data[:8 + n]

def values(header, body, name):
    t = header[name]
    start, end = t['data_offsets']
    code = {'F16': 'e', 'F32': 'f'}[t['dtype']]
    return list(struct.unpack(f'<{(end - start) // struct.calcsize(code)}{code}', body[start:end])), code

out, dirs = Path(sys.argv[1]), [Path(d) for d in sys.argv[2:]]
if len(dirs) < 2: sys.exit(__doc__)
models = [read(d / 'model.safetensors') for d in dirs]
header, first_body, first_head = models[0]
names = [k for k in header if k != '__metadata__']
for d, (h, _, _) in zip(dirs, models):
    if {k: (v['dtype'], v['shape']) for k, v in h.items() if k != '__metadata__'} != {k: (header[k]['dtype'], header[k]['shape']) for k in names}:
        sys.exit(f'{d}: parameters differ from {dirs[0]} (names, shapes or dtypes)')
if out.exists(): shutil.rmtree(out)
shutil.copytree(dirs[0], out)
body = bytearray(first_body)
for name in names:
    columns = [values(h, b, name) for h, b, _ in models]
    code = columns[0][1]
    mean = [sum(v) / len(v) for v in zip(*(c[0] for c in columns))]
    start, end = header[name]['data_offsets']
    body[start:end] = struct.pack(f'<{len(mean)}{code}', *mean)
(out / 'model.safetensors').write_bytes(first_head + bytes(body))
print(f'{out}: mean of {len(dirs)} models, {len(names)} tensors', file=sys.stderr)
