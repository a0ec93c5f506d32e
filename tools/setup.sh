#!/usr/bin/env bash
# Installs, only when missing, the Debian packages the build and the tests need.
# Idempotent: a second run does nothing and returns at once. `--bench` also installs what the
# benchmark suite (`make bench`) needs: NumPy and SciPy for the reference side, on the system
# OpenBLAS.
set -euo pipefail

PACKAGES=(
  llvm-22-dev libmlir-22-dev libclang-22-dev libpolly-22-dev   # LLVM/MLIR 22 (melior, inkwell)
  llvm-22-tools                                                # FileCheck for the pass tests
  libzstd-dev zlib1g-dev                                       # llvm-config --system-libs
  libopenblas-dev                                              # BLAS/LAPACK for matmul, solve
)
if [ "${1:-}" = "--bench" ]; then
  PACKAGES+=(python3-numpy python3-scipy)                      # NumPy side of make bench
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
