#!/usr/bin/env bash
# Makes TorchSharp's native shim load on systems whose libstdc++ predates GCC 13 (Debian 12), in a build output folder.
#
# libLibTorchSharp.so (built with GCC 13) needs exactly one symbol at version GLIBCXX_3.4.32:
# std::ios_base_library_init(), a hook GCC 13 emits for <iostream>; GCC 12's libstdc++ initialises iostreams by other
# means, so a no-op definition suffices. We (1) build a tiny library defining it, (2) drop that symbol's version
# requirement and make the shim load the tiny library from its own folder (patchelf), and (3) mark the
# GLIBCXX_3.4.32 entry of .gnu.version_r weak (VER_FLG_WEAK) so the loader only warns. Details:
# ../shared/notes/torchsharp.md. Idempotent; does nothing where libstdc++ already has GLIBCXX_3.4.32.
# Usage: patch-libtorchsharp.sh OUTPUT_DIR
set -euo pipefail
dir=${1:?usage: patch-libtorchsharp.sh OUTPUT_DIR}
lib="$dir/libLibTorchSharp.so"
[ -f "$lib" ] || exit 0
shim=libs2s_glibcxx_shim.so
symbol=_ZSt21ios_base_library_initv

stdcxx=$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
if [ -n "$stdcxx" ] && grep -qa 'GLIBCXX_3\.4\.32' "$stdcxx"; then exit 0; fi   # new enough: nothing to do

if readelf -d "$lib" | grep -q "\[$shim\]" && [ -f "$dir/$shim" ]; then exit 0; fi   # already patched

for tool in patchelf gcc readelf; do
  command -v "$tool" >/dev/null || { echo "patch-libtorchsharp: '$tool' is missing: sudo apt-get install patchelf gcc binutils" >&2; exit 1; }
done

printf 'void %s(void) {}\n' "$symbol" | gcc -shared -fPIC -O2 -x c - -o "$dir/$shim"
patchelf --clear-symbol-version "$symbol" --add-needed "$shim" --set-rpath '$ORIGIN' "$lib"

# Offset of the vna_flags field of the GLIBCXX_3.4.32 Vernaux entry: section offset + entry offset + 4.
read -r section entry < <(readelf -V "$lib" | awk '
  /Version needs section/ {inside=1; next}
  inside && /Offset:/ {for (i = 1; i <= NF; i++) if ($i == "Offset:") sec = $(i + 1)}
  inside && /Name: GLIBCXX_3\.4\.32/ {sub(":", "", $1); print sec, $1; exit}')
if [ -z "${section:-}" ]; then echo "patch-libtorchsharp: no GLIBCXX_3.4.32 entry found in $lib" >&2; exit 1; fi
offset=$(( section + entry + 4 ))
printf '\x02\x00' | dd of="$lib" bs=1 seek="$offset" conv=notrunc status=none
echo "patch-libtorchsharp: patched $lib for $(basename "${stdcxx:-libstdc++}") without GLIBCXX_3.4.32" >&2
