#!/usr/bin/env bash
# ListObjects and ListMultipartUploads at scale (issue 18): fills a bucket with small objects through the storage API
# in-process (64 puts in flight; no HTTP), then times one page of 1 000 at the start, middle and
# end, a delimiter listing at the root and a full walk, on the local store and on Garage (S3),
# where the store's own LIST call is timed beside ours; then the same pages of uploads in progress
# (UPLOADS_N, default 20 000 locally and a fifth of it on Garage). Prints Markdown rows for
# benches/RESULTS.md. Not a timed test.
#
#   bash benches/list.sh                                  # 1 000 000 local, 200 000 on Garage
#   LOCAL_N=100000 S3_N=20000 bash benches/list.sh        # reduced sizes
#   UPLOADS_N=20000 (default): multipart uploads in progress for ListMultipartUploads (a fifth on S3)
#   OSSIMG_BENCH_S3_PREFIX=ossimg-bench-…: list the Garage bucket an earlier run filled (no new fill)
#
# Needs: cargo; Garage from .ci/garage.sh (started here; S3_N=0 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
LOCAL_N="${LOCAL_N:-1000000}"
S3_N="${S3_N:-200000}"
if [ "$S3_N" != 0 ] && [ -z "${OSSIMG_S3_ENDPOINT:-}" ]; then
  eval "$(bash .ci/garage.sh start)"
fi
echo "machine: $(nproc) cores, $(uname -sr), $(date -u +%Y-%m-%d)"
echo "| store | objects | what | time |"
echo "|---|---|---|---|"
OSSIMG_BENCH_LOCAL_N="$LOCAL_N" OSSIMG_BENCH_S3_N="$S3_N" OSSIMG_BENCH_UPLOADS_N="${UPLOADS_N:-20000}" \
  cargo test --release --test listing_bench -- --ignored --nocapture --test-threads 1 2>&1 |
  grep '^|'
