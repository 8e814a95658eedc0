#!/bin/sh
# dracut pre-pivot hook: the new root is mounted at $NEWROOT (/sysroot), switch_root comes next.
. /usr/share/taupage/taupage-early.sh
taupage_early "${NEWROOT:-/sysroot}"
