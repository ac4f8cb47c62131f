"""docker/compose.yml and docker/Dockerfile run what README.md's "Production"
section promises, on requirement sets that keep the web image free of torch.

The README's service table (service, image, command) and the compose file must
name the same services with the same images and commands: a change to either
alone fails here. No Docker engine runs in CI; when Docker Compose (`docker
compose` or Debian's `docker-compose`) is installed, its own validation runs too.
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
DOCKERFILE = ROOT / "docker" / "Dockerfile"
REQUIREMENTS = ROOT / "requirements"
# Which Dockerfile target each app service runs: web is the lean image (gunicorn,
# and migrate, which imports what the web does), worker carries the model stack.
SERVICE_TARGETS = {
    "migrate": "web",
    "web": "web",
    "prepare-model": "worker",
    "worker": "worker",
    "gpu-worker": "worker",
    "answers-worker": "worker",
    "webhooks": "worker",
    "beat": "worker",
}
# What the web set must never pull in, directly or through an include.
NOT_FOR_THE_WEB = {"torch", "transformers", "pytest", "schemathesis", "playwright", "bandit", "ruff", "mypy"}
PINNED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[\w,-]+\])?==[\w.+!-]+$")
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
    assert " -Q answers -P prefork -c 1" in services["answers-worker"][1]
    assert services["webhooks"][1] == "celery -A cocreate worker -Q webhooks -c 4"
    assert services["beat"][1].startswith("celery -A cocreate beat")
    assert services["db"][0] == "postgres:15"
    assert services["redis"][0] == "redis:7-alpine"


def _dockerfile_stages() -> dict[str, tuple[str, str]]:
    """{stage: (the image or stage it starts from, its instructions)}."""
    stages = {}
    for block in re.split(r"^(?=FROM )", DOCKERFILE.read_text(), flags=re.M)[1:]:
        start = re.match(r"FROM (\S+) AS (\S+)", block)
        assert start, block.splitlines()[0]
        stages[start[2]] = (start[1], block)
    return stages


def _stage_chain(target: str) -> list[str]:
    """The target's instructions and those of every stage it builds on."""
    stages, chain = _dockerfile_stages(), []
    while target in stages:
        target, instructions = stages[target]
        chain.append(instructions)
    return chain


def _default_command(target: str) -> str:
    cmd = next(
        line for block in _stage_chain(target) for line in block.splitlines() if line.startswith("CMD ")
    )
    return " ".join(json.loads(cmd.removeprefix("CMD ")))


def test_the_web_and_worker_commands_are_their_images_default_commands():
    services = _compose_services()

    assert _default_command("web") == services["web"][1]
    assert _default_command("worker") == services["worker"][1]


def test_each_app_service_builds_the_image_of_its_dockerfile_target():
    services = _compose()["services"]
    targets = set(_dockerfile_stages())

    built = {name: service["build"]["target"] for name, service in services.items() if "build" in service}

    assert built == SERVICE_TARGETS
    assert set(built.values()) <= targets
    for name, target in built.items():
        assert services[name]["image"] == f"cocreate-{target}:latest", name
        assert services[name]["build"]["dockerfile"] == "docker/Dockerfile", name


def _installed_sets(target: str) -> set[str]:
    """The requirement files an image's stages install with `pip install -r`."""
    return {path for block in _stage_chain(target) for path in re.findall(r"pip install -r (\S+)", block)}


def test_the_web_image_installs_the_web_set_and_the_worker_image_adds_the_worker_set():
    assert _installed_sets("web") == {"requirements/base.txt"}
    assert _installed_sets("worker") == {"requirements/base.txt", "requirements/worker.txt"}


def test_no_image_installs_test_or_lint_tools():
    for target in ("web", "worker"):
        packages = set().union(*(_pins(ROOT / path) for path in _installed_sets(target)))

        assert not packages & {"pytest", "pytest-django", "schemathesis", "playwright", "ruff", "mypy"}, (
            target
        )
    instructions = [line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in instructions if "dev.txt" in line or " requirements.txt" in line]


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

    for name in ("web", "worker", "gpu-worker", "webhooks", "beat"):
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


def _compose_command() -> list[str] | None:
    """`docker compose` (the plugin), else Debian's `docker-compose`, else None."""
    if shutil.which("docker"):
        plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
        if plugin.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


COMPOSE_COMMAND = _compose_command()


def _docker_compose_config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert COMPOSE_COMMAND is not None
    return subprocess.run(
        [*COMPOSE_COMMAND, "-f", str(COMPOSE_FILE), "config", "-q"],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


needs_docker_compose = pytest.mark.skipif(
    COMPOSE_COMMAND is None, reason="Docker Compose is not installed (.ci/run installs docker-compose)"
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


# --- requirement sets ----------------------------------------------------------------


def _lines(path: Path) -> list[str]:
    """A requirements file's entries, comments and blank lines left out."""
    return [
        line.split(" #")[0].strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()


def _pins(path: Path) -> dict[str, str]:
    """{package: version} of a requirements file, its -r includes followed as pip does."""
    pins: dict[str, str] = {}
    for line in _lines(path):
        if line.startswith("-r "):
            pins |= _pins(path.parent / line.removeprefix("-r ").strip())
        else:
            name, _, version = line.partition("==")
            pins[_canonical(name)] = version
    return pins


def _requirement_files() -> list[Path]:
    return [ROOT / "requirements.txt", *sorted(REQUIREMENTS.glob("*.txt"))]


def test_every_requirement_is_pinned_to_one_version_and_every_include_exists():
    files = _requirement_files()
    unpinned, missing = [], []
    for path in files:
        for line in _lines(path):
            if line.startswith("-r "):
                if not (path.parent / line.removeprefix("-r ").strip()).is_file():
                    missing.append(f"{path.name}: {line}")
            elif not PINNED.match(line):
                unpinned.append(f"{path.name}: {line}")

    assert {p.name for p in files} >= {
        "requirements.txt",
        "base.txt",
        "worker.txt",
        "dev.txt",
        "models.txt",
        "bench.txt",
    }
    assert unpinned == []
    assert missing == []


def test_the_web_set_holds_no_torch_transformers_or_dev_tools():
    web = _pins(REQUIREMENTS / "base.txt")

    assert not set(web) & NOT_FOR_THE_WEB, set(web) & NOT_FOR_THE_WEB
    # What the web process itself imports, its numpy sentence encoder included.
    assert {"django", "djangorestframework", "gunicorn", "numpy", "tokenizers", "threadpoolctl"} <= set(web)


def test_the_worker_set_is_the_web_set_plus_torch_2_13_0():
    web, worker = _pins(REQUIREMENTS / "base.txt"), _pins(REQUIREMENTS / "worker.txt")

    assert worker["torch"] == "2.13.0"
    assert {"transformers", "scikit-learn", "vadersentiment"} <= set(worker)
    assert web.items() <= worker.items()
    assert not set(worker) & {"pytest", "schemathesis", "playwright", "mypy"}


def test_the_top_level_requirements_are_the_full_install_of_the_three_sets():
    full = _pins(ROOT / "requirements.txt")
    sets = [_pins(REQUIREMENTS / f"{name}.txt") for name in ("base", "worker", "dev")]

    assert _lines(ROOT / "requirements.txt") == ["-r requirements/dev.txt"]
    assert _lines(REQUIREMENTS / "dev.txt")[0] == "-r worker.txt"
    assert _lines(REQUIREMENTS / "worker.txt")[0] == "-r base.txt"
    assert all(pins.items() <= full.items() for pins in sets)
    assert {"torch", "pytest", "mypy", "django-stubs", "djangorestframework-stubs"} <= set(full)


def test_each_package_is_pinned_in_one_set_only():
    seen: dict[str, str] = {}
    twice = []
    for path in _requirement_files():
        for line in _lines(path):
            if not line.startswith("-r "):
                name = _canonical(line.partition("==")[0])
                if name in seen:
                    twice.append(f"{name}: {seen[name]} and {path.name}")
                seen[name] = path.name

    assert twice == []


def test_the_security_audit_names_every_set():
    # pip-audit --no-deps follows no include: an unnamed set would go unaudited.
    security = (ROOT / ".ci" / "security").read_text()

    for name in ("base", "worker", "dev"):
        assert f"-r requirements/{name}.txt" in security, name
