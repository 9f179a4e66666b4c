#!/usr/bin/env bash
# GPU engine check on a machine with a real GPU, in one call: builds in release, runs the
# GPU↔CPU parity suite, the device-loss fallback test and the naga shader checks with
# OSSIMG_REQUIRE_GPU=1 (a missing adapter fails), then the GPU benchmarks (benches/gpu.rs: every
# stage × {cpu, gpu} × {512², 4096²}, the 12 MP cascade, and the thumbnail plan at 128²…2048² for
# the CPU/GPU threshold), and prints a table of medians with the CPU/GPU ratio.
#
# Usage (BENCH_ARGS: extra criterion flags, e.g. "--warm-up-time 1 --measurement-time 2"):
#   bash benches/gpu.sh                      build and run here (SKIP_PARITY=1: benchmarks only)
#   bash benches/gpu.sh --build-only FILE    build the binaries here, pack them into FILE (.tar.gz)
#   bash benches/gpu.sh --prebuilt FILE      run binaries packed by --build-only: for a GPU host
#                                            without a Rust toolchain. The checkout must sit at the
#                                            same path as where it was built (test data and the
#                                            CLI are found by compiled-in paths): symlink it there.
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
tests=(gpu_parity gpu_lost shaders)

mode="${1:-}"
case "$mode" in
  --build-only)
    out="$(realpath -m "$2")"
    stage="$(mktemp -d)"
    cargo build --release --locked --bin ossimg
    # The executables cargo built, by target name, from its JSON messages.
    { cargo test --release --locked --no-run --message-format=json "${tests[@]/#/--test=}"
      cargo bench --locked --no-run --message-format=json --bench gpu; } \
      | python3 -c '
import json, shutil, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable"):
        shutil.copy(m["executable"], sys.argv[1] + "/" + m["target"]["name"])
' "$stage"
    cp "$target/release/ossimg" "$stage/ossimg"
    strip "$stage"/*
    # The CLI tests run the binary by its compiled-in path: keep it where they look.
    mkdir -p "$stage/bin" && echo "$(realpath "$target")/release/ossimg" >"$stage/bin/path"
    tar -C "$stage" -czf "$out" .
    rm -rf "$stage"
    ls -la "$out"
    exit 0
    ;;
  --prebuilt)
    bin="$(mktemp -d)"
    tar -C "$bin" -xzf "$2"
    cli_path="$(cat "$bin/bin/path")"
    mkdir -p "$(dirname "$cli_path")"
    [ -e "$cli_path" ] || cp "$bin/ossimg" "$cli_path"
    run_test() { "$bin/$1" "${@:2}"; }
    run_bench() { "$bin/gpu" --bench --noplot ${BENCH_ARGS:-}; }
    ;;
  "")
    run_test() { cargo test --release --test "$1" -- "${@:2}"; }
    run_bench() { cargo bench --bench gpu -- --noplot ${BENCH_ARGS:-}; }
    ;;
  *)
    echo "usage: $0 [--build-only FILE | --prebuilt FILE]" >&2
    exit 2
    ;;
esac

if [ "${SKIP_PARITY:-0}" != 1 ]; then
  for t in "${tests[@]}"; do
    { OSSIMG_REQUIRE_GPU=1 run_test "$t" --nocapture 2>&1 || echo "FAILED: $t"; } \
      | grep -E "GPU adapter|^test |test result|panicked|max difference|lost|FAILED" || true
  done
fi
rm -rf "$target"/criterion/stage_* "$target/criterion/cascade" "$target/criterion/threshold"
# criterion writes under $CRITERION_HOME (default: the cargo target dir's criterion/).
export CRITERION_HOME="${CRITERION_HOME:-$target/criterion}"
run_bench 2>&1 | grep -E "gpu bench|time:|^stage|^cascade|^threshold" || true

python3 - "$CRITERION_HOME" <<'PY'
import json, sys, pathlib
rows = {}
for meta in pathlib.Path(sys.argv[1]).rglob("new/benchmark.json"):
    # stage/<name>/<engine>/<size>, cascade/<engine>/<photo> or threshold/<engine>/<size>
    parts = json.loads(meta.read_text())["full_id"].split("/")
    if parts[0] == "stage":
        name, engine, size = parts[1], parts[2], parts[3]
    elif parts[0] in ("cascade", "threshold"):
        name, engine, size = parts[0], parts[1], parts[2]
    else:
        continue
    ms = json.loads((meta.parent / "estimates.json").read_text())["median"]["point_estimate"] / 1e6
    rows.setdefault((name, size), {})[engine] = ms
key = lambda k: (k[0], int(k[1]) if k[1].isdigit() else 0, k[1])
print(f"{'stage':<14}{'size':>6}{'cpu ms':>11}{'gpu ms':>11}{'cpu/gpu':>9}")
for (name, size), r in sorted(rows.items(), key=lambda kv: key(kv[0])):
    cpu, gpu = r.get("cpu"), r.get("gpu")
    ratio = f"{cpu / gpu:8.2f}x" if cpu and gpu else "       -"
    fmt = lambda v: f"{v:11.3f}" if v is not None else f"{'-':>11}"
    print(f"{name:<14}{size:>6}{fmt(cpu)}{fmt(gpu)}{ratio}")
PY
