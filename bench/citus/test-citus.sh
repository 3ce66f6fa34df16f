#!/usr/bin/env bash
# make test-citus: build Citus if needed (../shared/citus), start a fresh local cluster in a
# temporary directory (coordinator 127.0.0.1:9700, CITUS_WORKERS workers from :9701), migrate,
# place the tables (citus_distribute), run a named subset of the tests against the coordinator,
# and stop the cluster whatever happens. See docs/scaling.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
citus=../shared/citus
py=.venv/bin/python

bash "$citus/build.sh"
dir=$(mktemp -d /tmp/posyandu-citus.XXXXXX)
trap 'bash "$citus/cluster.sh" stop "$dir"; rm -rf "$dir"' EXIT
bash "$citus/cluster.sh" start "$dir" "${CITUS_WORKERS:-2}" >/dev/null
# A throwaway cluster: no fsync (Django's flush between transactional tests truncates every
# shard), and 4 shards per distributed table instead of 32 (the same code paths, less I/O).
for port in $(seq 9700 $((9700 + ${CITUS_WORKERS:-2}))); do
  psql -h 127.0.0.1 -p "$port" -U postgres -qAt -c "ALTER SYSTEM SET fsync = off" \
    -c "ALTER SYSTEM SET synchronous_commit = off" -c "ALTER SYSTEM SET full_page_writes = off" \
    -c "ALTER SYSTEM SET citus.shard_count = 4" -c "SELECT pg_reload_conf()" >/dev/null
done

# The tests use the cluster's own database (config/test_settings.py): a test database made by
# pytest-django would exist on the coordinator only, without the workers' metadata.
export DATABASE_URL=postgres://postgres@127.0.0.1:9700/postgres TEST_DATABASE_NAME=postgres
export DJANGO_SETTINGS_MODULE=config.test_settings
$py manage.py migrate --noinput -v0
$py manage.py citus_distribute
$py manage.py citus_distribute --check

# At least one test file per app, chosen for what runs differently on the cluster: the
# Posyandu day and its listeners (coordinator rows + sharded aggregates + sharded audit),
# dashboards and exports (fan-out reads), the API, sync, imports. Left out, with the reason:
# browser tests (Chromium; the pages are the same HTML), core/tests/test_backup.py (pg_dump of
# one node is not a cluster backup: `backup` refuses, tested in posyandu/citus),
# tests/test_server_kill.py (kills a server process), hypothesis fuzzers (minutes each), and,
# to keep CI within a few minutes, two that passed on the cluster and can be added as
# arguments: core/tests/test_jobs.py (seven transactional tests; Django's flush of every
# shard after each costs ~10 s) and tests/test_reports_agree_with_export.py (two minutes of
# setup). The SQLite and PostgreSQL runs of `make test` keep covering the whole suite; the
# whole default suite also passed once on a 2-worker cluster (docs/scaling.md, "Tests").
tests=(
  posyandu/citus
  posyandu/audit/tests/test_audit_trail.py
  posyandu/core/tests/test_colocation.py
  posyandu/core/tests/test_derived.py
  posyandu/core/tests/test_idempotency.py
  posyandu/wilayah/tests/test_import_wilayah.py
  posyandu/accounts/tests/test_scope.py
  posyandu/accounts/tests/test_api_tokens.py
  posyandu/fasilitas/tests/test_browse.py
  posyandu/kader/tests/test_views.py
  posyandu/sasaran/tests/test_views.py
  posyandu/sasaran/tests/test_merge.py
  posyandu/sesi/tests/test_views.py
  posyandu/sesi/tests/test_api_pengukuran.py
  posyandu/rujukan/tests/test_rujukan.py
  posyandu/imunisasi/tests/test_services_views_api.py
  posyandu/kia/tests/test_services_views.py
  posyandu/skrining/tests/test_services_views_api.py
  posyandu/kunjungan_rumah/tests/test_home_visit.py
  posyandu/tugas/tests/test_engine.py
  posyandu/laporan/tests/test_views.py
  posyandu/laporan/tests/test_rollup.py
  posyandu/laporan/tests/test_rebuild.py
  posyandu/laporan/tests/test_commands.py
  posyandu/pokjanal/tests/test_strata.py
  posyandu/sinkron/tests/test_sync_api.py
  posyandu/pertukaran/tests/test_import.py
  posyandu/dhis2/tests/test_export.py
  posyandu/satusehat/tests/test_export.py
  posyandu/demo/tests/test_seed_demo.py
)
$py -m pytest --reuse-db -p no:randomly -q -m "not slow and not browser" "${tests[@]}" "$@"
