#!/usr/bin/env bash
# Builds the unpacked third-party sources into static archives with our flags:
#   build/third_party/lib/libmbedtls.a  (tls, x509 and crypto, with third_party/taupage_mbedtls_config.h)
#   build/third_party/lib/libyaml.a
# With --fuzz-libyaml OUT it builds libyaml instrumented for libFuzzer instead. For another
# architecture: TAUPAGE_TP_OUT (the folder instead of build/third_party), TAUPAGE_TP_CC, TAUPAGE_TP_AR.
set -euo pipefail
cd "$(dirname "$0")/.."
tp=${TAUPAGE_TP_OUT:-build/third_party}
cc=${TAUPAGE_TP_CC:-gcc}
ar=${TAUPAGE_TP_AR:-ar}
yaml_defs=(-DYAML_DECLARE_STATIC -DYAML_VERSION_MAJOR=0 -DYAML_VERSION_MINOR=2 -DYAML_VERSION_PATCH=5
           '-DYAML_VERSION_STRING="0.2.5"' -I"$tp/src/libyaml/include")

compile_all() { # out_dir compiler flags... -- sources...
  local out=$1; shift
  local -a flags=()
  while [ "$1" != "--" ]; do flags+=("$1"); shift; done; shift
  mkdir -p "$out"
  printf '%s\n' "$@" | xargs -P "$(nproc)" -I{} sh -c 'f={}; exec "$0" "$@" -c "$f" -o "'"$out"'/$(basename "$f" .c).o"' "${flags[@]}"
}

if [ "${1:-}" = "--fuzz-libyaml" ]; then
  out=$2; objs=$(dirname "$out")/libyaml-obj
  compile_all "$objs" clang -O1 -g -fsanitize=fuzzer-no-link,address,undefined "${yaml_defs[@]}" -- "$tp"/src/libyaml/src/*.c
  rm -f "$out"; ar rcs "$out" "$objs"/*.o
  exit 0
fi

flags=(-Os -fPIE -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -w)
mkdir -p "$tp/lib"
rm -rf "$tp/obj"
compile_all "$tp/obj/mbedtls" "$cc" "${flags[@]}" -Ithird_party -I"$tp/src/mbedtls/include" \
  '-DMBEDTLS_CONFIG_FILE="taupage_mbedtls_config.h"' -- "$tp"/src/mbedtls/library/*.c
compile_all "$tp/obj/libyaml" "$cc" "${flags[@]}" "${yaml_defs[@]}" -- "$tp"/src/libyaml/src/*.c
rm -f "$tp/lib/libmbedtls.a" "$tp/lib/libyaml.a"
"$ar" rcs "$tp/lib/libmbedtls.a" "$tp"/obj/mbedtls/*.o
"$ar" rcs "$tp/lib/libyaml.a" "$tp"/obj/libyaml/*.o
echo "third-party: built $(ls "$tp"/lib/*.a | tr '\n' ' ')"
