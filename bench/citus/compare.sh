#!/usr/bin/env bash
# The benchmark of docs/scaling.md: the same synthetic provinces on single-node PostgreSQL
# (127.0.0.1:5432, database posyandu_bench_1node, recreated) and on a fresh local Citus cluster
# (temp dir, stopped on exit), timed by `manage.py cluster_bench` on each.
#   bash bench/citus/compare.sh [SCALE] [PROVINCES] [WORKERS]    (default 0.05 14,17 2)
# CITUS_ONLY=1 skips the single-node run (e.g. to repeat the cluster with 3 workers).
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=${1:-0.05}; provinces=${2:-14,17}; workers=${3:-2}
citus=../shared/citus
py=.venv/bin/python
export DJANGO_SETTINGS_MODULE=config.test_settings

prepare() {  # migrate, place the tables (a no-op without citus), load the regions
  $py manage.py migrate --noinput -v0
  $py manage.py citus_distribute | tail -1
  $py manage.py import_wilayah | tail -1
}

if [[ -z ${CITUS_ONLY:-} ]]; then
  echo "== single-node PostgreSQL"
  psql -h 127.0.0.1 -U postgres -qAt -c "DROP DATABASE IF EXISTS posyandu_bench_1node" \
    -c "CREATE DATABASE posyandu_bench_1node"
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/posyandu_bench_1node
  prepare
  $py manage.py cluster_bench --scale "$scale" --provinsi "$provinces"
fi

echo "== Citus, $workers workers"
bash "$citus/build.sh" >/dev/null
dir=$(mktemp -d /tmp/posyandu-citus-bench.XXXXXX)
trap 'bash "$citus/cluster.sh" stop "$dir"; rm -rf "$dir"' EXIT
bash "$citus/cluster.sh" start "$dir" "$workers" >/dev/null
export DATABASE_URL=postgres://postgres@127.0.0.1:9700/postgres
prepare
$py manage.py cluster_bench --scale "$scale" --provinsi "$provinces"
