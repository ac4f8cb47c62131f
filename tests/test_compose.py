"""docker/compose.yml runs what README.md's "Production" section promises.

The README's service table (service, image, command) and the compose file must
name the same services with the same images and commands: a change to either
alone fails here. No Docker engine runs in CI; when Debian's `docker-compose`
is installed, its own validation runs too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.readme import readme_section

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker" / "compose.yml"
# Values for the variables compose refuses to start without.
REQUIRED_ENV = {"SECRET_KEY": "x" * 50, "POSTGRES_PASSWORD": "test-only-password"}
TABLE_ROW = re.compile(r"^\| `(?P<service>[\w-]+)` \| `(?P<image>[^`]+)` \| (?P<command>`[^`]+`|[^|]+) \|$")


def _readme_services() -> dict[str, tuple[str, str | None]]:
    """{service: (image, command or None when the image's own runs)}."""
    services = {}
    for line in readme_section("Production").splitlines():
        if row := TABLE_ROW.match(line.strip()):
            command = row["command"].strip()
            services[row["service"]] = (row["image"], command.strip("`") if command.startswith("`") else None)
    return services


def _compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _compose_services() -> dict[str, tuple[str, str | None]]:
    services = {}
    for name, service in _compose()["services"].items():
        command = service.get("command")
        services[name] = (service["image"], " ".join(command) if isinstance(command, list) else command)
    return services


def test_the_readme_table_and_the_compose_file_name_the_same_services_images_and_commands():
    readme = _readme_services()

    compose = _compose_services()

    assert readme == compose


def test_the_stack_has_web_a_worker_per_queue_beat_postgres_and_redis():
    services = _compose_services()

    assert services["web"][1].startswith("gunicorn cocreate.wsgi:application")
    assert " -Q default" in services["worker"][1]
    assert " -Q gpu -P prefork -c 1" in services["gpu-worker"][1]
    assert services["beat"][1].startswith("celery -A cocreate beat")
    assert services["db"][0] == "postgres:15"
    assert services["redis"][0] == "redis:7-alpine"


def test_the_web_command_is_the_images_default_command():
    cmd = next(
        line for line in (ROOT / "docker" / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")
    )

    assert " ".join(json.loads(cmd.removeprefix("CMD "))) == _compose_services()["web"][1]


def test_the_gpu_worker_reserves_an_nvidia_gpu_and_loads_the_model_prepare_model_writes():
    services = _compose()["services"]
    gpu = services["gpu-worker"]

    devices = gpu["deploy"]["resources"]["reservations"]["devices"]
    model_dir = gpu["environment"]["GENERATION_MODEL"]
    volume, mount = gpu["volumes"][0].split(":")

    assert devices == [{"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}]
    assert f"{mount}/" in model_dir
    assert f"{volume}:{mount}" in services["prepare-model"]["volumes"]
    assert services["prepare-model"]["environment"]["GENERATION_MODEL"] == model_dir


def test_every_app_process_waits_for_migrations_and_healthy_services():
    services = _compose()["services"]

    for name in ("web", "worker", "gpu-worker", "beat"):
        depends = services[name]["depends_on"]

        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert "healthcheck" in services["db"] and "healthcheck" in services["redis"]


def test_app_processes_run_in_production_mode_on_postgres_and_redis_with_a_required_secret():
    env = _compose()["services"]["web"]["environment"]

    assert env["DEBUG"] == "0"
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert {"ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "EMAIL_HOST"} <= set(env)


def _docker_compose_config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker-compose", "-f", str(COMPOSE_FILE), "config", "-q"],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


needs_docker_compose = pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose is not installed (.ci/run installs it)"
)


@needs_docker_compose
def test_docker_compose_accepts_the_file():
    result = _docker_compose_config(REQUIRED_ENV)

    assert result.returncode == 0, result.stderr


@needs_docker_compose
def test_docker_compose_refuses_to_start_without_a_secret_key():
    result = _docker_compose_config({"POSTGRES_PASSWORD": REQUIRED_ENV["POSTGRES_PASSWORD"]})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
