#!/usr/bin/env bash
# GPU engine check on a machine with a real GPU, in one call: builds in release, runs the
# GPU↔CPU parity suite and the naga shader checks with OSSIMG_REQUIRE_GPU=1 (a missing adapter
# fails), then the GPU benchmarks (benches/gpu.rs: every stage × {cpu, gpu} × {512², 4096²} and
# the 12 MP cascade), and prints a table of medians with the CPU/GPU ratio.
#
# Usage: bash benches/gpu.sh            (SKIP_PARITY=1 to benchmark only)
#
# Vulkan loader and driver: wgpu dlopens libvulkan.so.1 and finds drivers through ICD json files.
# On a host where the loader is not installed system-wide (e.g. a container with the NVIDIA
# driver mounted but no libvulkan1), point at them explicitly:
#   export LD_LIBRARY_PATH=/path/to/dir/with/libvulkan.so.1:$LD_LIBRARY_PATH
#   export VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/nvidia_icd.json   # or /etc/vulkan/icd.d/…
# (the NVIDIA ICD json names libGLX_nvidia.so.0, which must be loadable too). `WGPU_BACKEND=vulkan`
# restricts wgpu to Vulkan; the adapter picked is printed ("gpu bench on …").
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
chmod 700 "$XDG_RUNTIME_DIR"
target="${CARGO_TARGET_DIR:-target}"

if [ "${SKIP_PARITY:-0}" != 1 ]; then
  OSSIMG_REQUIRE_GPU=1 cargo test --release --test gpu_parity --test shaders -- --nocapture 2>&1 \
    | grep -E "GPU adapter|^test |test result|panicked|max difference"
fi
rm -rf "$target"/criterion/stage_* "$target/criterion/cascade"
cargo bench --bench gpu -- --noplot 2>&1 | grep -E "gpu bench|time:|^stage|^cascade" || true

python3 - "$target/criterion" <<'PY'
import json, sys, pathlib
rows = {}
for meta in pathlib.Path(sys.argv[1]).rglob("new/benchmark.json"):
    full_id = json.loads(meta.read_text())["full_id"]   # stage/<name>/<engine>/<size> or cascade/<engine>/<photo>
    parts = full_id.split("/")
    if parts[0] not in ("stage", "cascade"):
        continue
    name, engine, size = (parts[1], parts[2], parts[3]) if parts[0] == "stage" else ("cascade", parts[1], parts[2])
    ms = json.loads((meta.parent / "estimates.json").read_text())["median"]["point_estimate"] / 1e6
    rows.setdefault((name, size), {})[engine] = ms
print(f"{'stage':<14}{'size':>6}{'cpu ms':>11}{'gpu ms':>11}{'cpu/gpu':>9}")
for (name, size), r in sorted(rows.items()):
    cpu, gpu = r.get("cpu"), r.get("gpu")
    ratio = f"{cpu / gpu:8.2f}x" if cpu and gpu else "       -"
    fmt = lambda v: f"{v:11.2f}" if v is not None else f"{'-':>11}"
    print(f"{name:<14}{size:>6}{fmt(cpu)}{fmt(gpu)}{ratio}")
PY
