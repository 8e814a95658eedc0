#!/usr/bin/env bash
# What our mbedTLS configuration (third_party/taupage_mbedtls_config.h) saves: the code and data
# of the library built with mbedTLS's own default configuration against ours, same compiler and
# flags; and the size of the shipped binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=build/third_party/src/mbedtls
out=build/bench/mbedtls-default
mkdir -p "$out"
flags=(-Os -fPIE -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -w)
find "$src/library" -maxdepth 1 -name '*.c' -print0 | xargs -0 -P "$(nproc)" -I{} sh -c 'gcc "$@" -I'"$src"'/include -c {} -o '"$out"'/$(basename {} .c).o' _ "${flags[@]}"
default=$(size -t "$out"/*.o | tail -1 | awk '{print $4}')
ours=$(size -t build/third_party/obj/mbedtls/*.o | tail -1 | awk '{print $4}')
printf '%-44s %10s bytes\n' "mbedTLS 3.6.6, its default configuration" "$default"
printf '%-44s %10s bytes\n' "mbedTLS 3.6.6, taupage_mbedtls_config.h" "$ours"
awk -v d="$default" -v o="$ours" 'BEGIN { printf "%-44s %10.0f%%\n", "saved", (d - o) * 100 / d }'
printf '%-44s %10s bytes\n' "build/taupage (static, stripped)" "$(stat -c %s build/taupage)"
