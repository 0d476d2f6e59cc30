# Shared by the scripts: where the tree is, and configure + build.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=$(nproc 2>/dev/null || echo 2)

# build DIR [cmake options...]: configure once, then build incrementally.
build() {
  local dir=$1; shift
  cmake -S "$ROOT" -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$JOBS"
}

# The developer build every command uses: clang, ASan + UBSan, warnings as errors.
build_dev() {
  CC=${CC:-clang} build "$ROOT/build" -DCMAKE_BUILD_TYPE=Debug -DKIOSK_SANITIZE=ON -DKIOSK_WERROR=ON
}
