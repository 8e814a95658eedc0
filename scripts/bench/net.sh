#!/usr/bin/env bash
# TLS handshake cost: Taupage's client (mbedTLS, static) beside curl and openssl s_client, each
# doing whole HTTPS GETs (new process, CA file read, handshake, request) against the same local
# openssl s_server, RSA 2048 and ECDSA P-256 certificates, TLS 1.3. Also the size TLS adds.
# Prints figures only; nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${NET_BENCH_RUNS:-20}
work=$(mktemp -d /tmp/net-bench-XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# The bench tool: build/rel objects of util and net, linked statically as build/taupage is.
objs=()
for src in src/util/*.cpp src/net/*.cpp; do objs+=("build/rel/${src%.cpp}.o"); done
make -s -j2 "${objs[@]}" >/dev/null
mkdir -p build/bench
g++ -std=c++20 -Wall -Wextra -Werror -Isrc -Ithird_party -Ibuild/third_party/src/mbedtls/include \
  '-DMBEDTLS_CONFIG_FILE="taupage_mbedtls_config.h"' -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
  -static -s -Wl,--gc-sections -o build/bench/https_get tests/bench/https_get.cpp "${objs[@]}" \
  build/third_party/lib/libmbedtls.a 2>&1 | grep -v 'Using .* in statically linked' || true

cd "$work"
printf 'subjectAltName=DNS:net-bench.example,IP:127.0.0.1\n' > ext
openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa-ca.key -out rsa-ca.crt -days 1 -subj /CN=net-bench-rsa \
  -addext basicConstraints=critical,CA:TRUE 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec-ca.key -out ec-ca.crt -days 1 \
  -subj /CN=net-bench-ec -addext basicConstraints=critical,CA:TRUE 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.csr -subj /CN=net-bench.example 2>/dev/null
openssl x509 -req -in rsa.csr -CA rsa-ca.crt -CAkey rsa-ca.key -CAcreateserial -days 1 -extfile ext -out rsa.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.csr -subj /CN=net-bench.example 2>/dev/null
openssl x509 -req -in ec.csr -CA ec-ca.crt -CAkey ec-ca.key -CAcreateserial -days 1 -extfile ext -out ec.crt 2>/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_server() { # kind -> port
  local port; port=$(free_port)
  openssl s_server -quiet -www -accept "127.0.0.1:$port" -cert "$1.crt" -key "$1.key" </dev/null >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
  echo "$port"
}

# CPU seconds (user + system) of RUNS runs of a command, in milliseconds per run.
cpu_ms() {
  local start end me=$BASHPID
  start=$(awk '{print $14+$15+$16+$17}' "/proc/$me/stat")
  for _ in $(seq "$RUNS"); do "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }; done
  end=$(awk '{print $14+$15+$16+$17}' "/proc/$me/stat")
  awk -v s="$start" -v e="$end" -v hz="$(getconf CLK_TCK)" -v n="$RUNS" 'BEGIN { printf "%.2f", (e - s) * 1000 / hz / n }'
}

tp=$OLDPWD/build/bench/https_get
printf '%-8s %-22s %12s\n' cert client 'CPU ms/GET'
for kind in rsa ec; do
  port=$(start_server "$kind")
  url="https://127.0.0.1:$port/"
  printf '%-8s %-22s %12s\n' "$kind" "taupage (mbedTLS)" "$(cpu_ms "$tp" "$url" "$kind-ca.crt" net-bench.example)"
  if command -v curl >/dev/null; then
    printf '%-8s %-22s %12s\n' "$kind" "curl" "$(cpu_ms curl -sf --cacert "$kind-ca.crt" --resolve "net-bench.example:$port:127.0.0.1" "https://net-bench.example:$port/")"
  fi
  s_client() { printf 'GET / HTTP/1.0\r\n\r\n' | openssl s_client -quiet -verify_return_error -CAfile "$kind-ca.crt" \
    -servername net-bench.example -verify_hostname net-bench.example -connect "127.0.0.1:$port"; }
  printf '%-8s %-22s %12s\n' "$kind" "openssl s_client" "$(cpu_ms s_client)"
done
echo
printf 'static https_get (util + net + mbedTLS), stripped: %s bytes\n' "$(stat -c %s "$tp")"
if [ -f "$OLDPWD/build/taupage" ]; then printf 'build/taupage, stripped:                            %s bytes\n' "$(stat -c %s "$OLDPWD/build/taupage")"; fi
echo "(runs per figure: $RUNS; CPU time of the whole process, from the shell's child accounting)"
