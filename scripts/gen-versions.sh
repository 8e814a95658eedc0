#!/usr/bin/env bash
# Turns third_party/versions.lock into a C++ header that `taupage version --json` reports.
set -euo pipefail
echo "// Generated from $1 by scripts/gen-versions.sh; do not edit."
echo "#pragma once"
echo "struct PinnedDependency { const char* name; const char* version; const char* tarball; const char* sha256; };"
echo "inline constexpr PinnedDependency kPinnedDependencies[] = {"
grep -v '^#' "$1" | awk 'NF==6 {printf "  {\"%s\", \"%s\", \"%s\", \"%s\"},\n", $1, $4, $5, $6}'
echo "};"
