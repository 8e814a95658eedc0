#!/usr/bin/env bash
# Checks that no src/ folder includes a folder above it. The layers, lowest first (a folder may
# include its own layer and the ones below; folders of one layer do not include each other):
#   util < net < aws < docker storage firewall host < config < engine < steps < cli
# Prints every include that breaks the order, with its file and line; exit 1 if any.
set -euo pipefail
cd "$(dirname "$0")/../.."
declare -A rank=([util]=0 [net]=1 [aws]=2 [docker]=3 [storage]=3 [firewall]=3 [host]=3
                 [config]=4 [engine]=5 [steps]=6 [cli]=7)
bad=0
for dir in src/*/; do
  folder=$(basename "$dir")
  if [ -z "${rank[$folder]+set}" ]; then
    echo "include_layers: src/$folder is in no layer (add it to scripts/lint/include_layers.sh)"
    bad=1
    continue
  fi
  while IFS=: read -r file line included; do
    target=${included%%/*}
    [ "$target" = "$folder" ] && continue
    [ -z "${rank[$target]+set}" ] && continue  # third-party headers (mbedtls/, psa/, yaml)
    if [ "${rank[$target]}" -ge "${rank[$folder]}" ]; then
      echo "$file:$line: src/$folder includes $target/ (layer ${rank[$target]} >= ${rank[$folder]})"
      bad=1
    fi
  done < <(grep -Hno '^#include "[a-z_]*/' "$dir"* | sed 's/:#include "/:/')
done
[ "$bad" = 0 ] && echo "include_layers: every src/ folder includes only the layers below it"
exit "$bad"
