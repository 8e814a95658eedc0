# shellcheck shell=bash
# The early and system stages of this boot, run for real before a test drives the late stage
# alone: the late stage runs only after both reported success in this boot (fail closed), and a
# test gets those reports the way a machine does, from taupage itself. Sourced (bash).
#
# earlier_stages LOG CMD...: CMD is the taupage command with its wrapper and its boot options
# (env ... taupage boot --config FILE --state-dir DIR --root DIR), without --stage. The early
# stage runs in throwaway network and mount namespaces, so that its firewall and its mounts
# vanish with it and the host's are never touched; the system stage writes sshd's drop-in under
# --root (give a temporary one). Their output goes to LOG; non-zero when either failed.
earlier_stages() {
  local log=$1; shift
  unshare --net --mount --propagation private "$@" --stage early >> "$log" 2>&1 || return 1
  "$@" --stage system >> "$log" 2>&1
}
