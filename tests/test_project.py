"""The files a new user relies on: compose stack, README's two commands, CI entry."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_parses_and_has_the_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name


def test_compose_commands_are_the_ones_the_readme_runs_by_hand():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    readme = (ROOT / "README.md").read_text()
    for name in ("worker", "beat"):
        command = compose["services"][name]["command"].split(" --schedule")[0]
        assert command in readme, f"{name}: {command!r} not in README"
    assert "gunicorn pmis.wsgi:application" in readme


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert first_block.split() == ["make", "demo"] or first_block.strip().splitlines() == ["make demo", "make test"]
