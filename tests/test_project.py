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


def test_compose_is_production_shaped():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name, service in services.items():
        assert service.get("restart") == "unless-stopped", name
    assert {"pgdata", "media"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    for name in ("web", "worker", "beat"):
        assert any(v.startswith("media:") for v in services[name]["volumes"]), name
        assert services[name]["env_file"] == ".env"
        assert services[name]["environment"]["DEBUG"] == "0"


def manual_commands(text):
    """The commands in fenced blocks, without the `.venv/bin/` prefix."""
    blocks = text.split("```")[1::2]
    return {line.strip().replace(".venv/bin/", "").replace("/srv/pmis/", "")
            for block in blocks for line in block.splitlines() if line.strip()}


def test_compose_commands_match_the_manual_ones_in_readme_makefile_and_docs():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    web = services["web"]["command"]
    assert web.startswith('sh -c "') and web.endswith('"')
    steps = [step.strip() for step in web[len('sh -c "'):-1].split("&&")]
    readme = manual_commands((ROOT / "README.md").read_text())
    docs = (ROOT / "docs" / "deployment.md").read_text()
    makefile = (ROOT / "Makefile").read_text().replace("$(VENV)/bin/", "").replace("$(PORT)", "8000")
    for step in steps:
        assert step in readme, step
    gunicorn = steps[-1]
    assert gunicorn.startswith("gunicorn pmis.wsgi:application")
    assert gunicorn in makefile and gunicorn in manual_commands(docs)
    for name in ("worker", "beat"):
        command = services[name]["command"].split(" --schedule")[0]
        assert command in readme, name
        assert command in makefile, name
        assert command in docs, name


def test_dockerfile_has_weasyprint_libraries_and_runs_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "postgresql-client", "gettext"):
        assert package in dockerfile, package
    assert "collectstatic" in dockerfile and "USER pmis" in dockerfile


DEV_TOOLS = ("pytest", "pytest-django", "hypothesis", "ruff", "schemathesis", "playwright", "axe-playwright-python",
             "import-linter")


def requirement_names(path):
    return {line.split("==")[0].split("[")[0].strip().lower() for line in (ROOT / path).read_text().splitlines()
            if line.strip() and not line.lstrip().startswith(("#", "-r"))}


def test_production_image_installs_runtime_requirements_only():
    runtime, dev = requirement_names("requirements.txt"), requirement_names("requirements-dev.txt")
    assert not runtime & set(DEV_TOOLS), runtime & set(DEV_TOOLS)
    assert set(DEV_TOOLS) <= dev
    assert (ROOT / "requirements-dev.txt").read_text().splitlines()[1] == "-r requirements.txt"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements.txt" in dockerfile and "requirements-dev" not in dockerfile
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -r requirements-dev.txt" in makefile


def test_make_test_checks_the_import_layering():
    makefile = (ROOT / "Makefile").read_text()
    assert "lint-imports" in makefile.split("\nlint:")[1].split("\n\n")[0]
    config = (ROOT / ".importlinter").read_text()
    assert "type = layers" in config and "type = acyclic_siblings" in config


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert first_block.split() == ["make", "demo"] or first_block.strip().splitlines() == ["make demo", "make test"]
