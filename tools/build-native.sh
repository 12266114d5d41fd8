#!/usr/bin/env bash
# Builds the native helpers of Seq2Seq.Model (src/Model/Runtime/Native) into a build output folder holding
# libLibTorchSharp.so; why each exists: its C file's header. Idempotent.
# - libs2s_torchshim.so (scalar_release.c), loaded in place of libLibTorchSharp.so (TorchNative.cs);
# - libs2s_kernels.so (half_linear.c), float32 × float16-weight products (HalfLinear.cs).
# Usage: build-native.sh OUTPUT_DIR
set -euo pipefail
dir=${1:?usage: build-native.sh OUTPUT_DIR}
[ -f "$dir/libLibTorchSharp.so" ] || exit 0
native="$(cd "$(dirname "$0")/.." && pwd)/src/Model/Runtime/Native"
for tool in gcc patchelf; do
  command -v "$tool" >/dev/null || { echo "build-native: '$tool' is missing: sudo apt-get install gcc patchelf" >&2; exit 1; }
done
shim="$dir/libs2s_torchshim.so"
if ! [ -f "$shim" ] || ! [ "$shim" -nt "$native/scalar_release.c" ]; then
  gcc -shared -fPIC -O2 -Wall -Werror "$native/scalar_release.c" -o "$shim.tmp" -ldl -lpthread
  patchelf --add-needed libLibTorchSharp.so --set-rpath '$ORIGIN' "$shim.tmp"
  mv "$shim.tmp" "$shim"
fi
kernels="$dir/libs2s_kernels.so"
if ! [ -f "$kernels" ] || ! [ "$kernels" -nt "$native/half_linear.c" ]; then
  gcc -shared -fPIC -O2 -Wall -Werror "$native/half_linear.c" -o "$kernels.tmp"
  mv "$kernels.tmp" "$kernels"
fi
