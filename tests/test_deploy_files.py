"""The production description and the two README commands stay what the README promises."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_has_the_production_services_from_one_image():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    images = {services[s]["image"] for s in ("web", "worker", "beat")}
    assert len(images) == 1
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "wagewatch", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "wagewatch", "beat"]
    for s in ("web", "worker", "beat"):
        env = services[s]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")


def test_dockerfile_installs_pango_and_cjk_font():
    text = (ROOT / "Dockerfile").read_text()
    assert "libpango-1.0-0" in text and "fonts-noto-cjk" in text


def test_readme_names_the_two_commands_and_ci_calls_make_test():
    assert "make run" in (ROOT / "README.md").read_text()
    assert "make test" in (ROOT / "README.md").read_text()
    assert "make test" in (ROOT / ".ci" / "run").read_text()
