"""Reading the environment: every setting that can be wrong is checked here and named when it is."""

import datetime
from pathlib import Path
from typing import TypeVar

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    env.read_env(str(_dotenv), overwrite=False)


_T = TypeVar("_T")


def get(name: str, cast: type[_T], default: _T) -> _T:
    """Read one variable; a value that does not parse stops start-up naming the variable."""
    try:
        return env.get_value(name, cast=cast, default=default)
    except (ValueError, TypeError, environ.ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"环境变量 {name} 的值无效 (invalid value for {name}): {exc}") from exc


def get_in_range(name: str, default: int, low: int, high: int) -> int:
    """An integer variable that must lie in [low, high]; outside it stops start-up naming the variable."""
    value = get(name, int, default)
    if not low <= value <= high:
        raise ImproperlyConfigured(
            f"环境变量 {name} 应在 {low} 至 {high} 之间 ({name} must be between {low} and {high}): {value}"
        )
    return value


def present(*names: str) -> dict[str, str]:
    """The variables among ``names`` that are set, as text: overrides of legal numbers, which
    wagewatch/lib/law.py parses and checks (a bad one is named by ``manage.py check``)."""
    return {name: env.str(name) for name in names if env.str(name, default="")}


def this_year() -> int:
    """The current year in China (settings are read before Django's time zone is set up)."""
    return datetime.datetime.now(tz=datetime.timezone(datetime.timedelta(hours=8))).year


def database(default_sqlite: Path) -> dict:
    """DATABASE_URL, or an SQLite file in the project folder."""
    url = env.str("DATABASE_URL", default="")
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite)}
    scheme = url.split(":", 1)[0]
    if scheme not in ("postgres", "postgresql", "pgsql", "sqlite"):
        raise ImproperlyConfigured(
            f"DATABASE_URL 的数据库类型不受支持 (unsupported DATABASE_URL scheme): {scheme}"
        )
    try:
        return environ.Env.db_url_config(url)
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_URL 无效 (invalid DATABASE_URL): {exc}") from exc


def redis_url() -> str:
    url = env.str("REDIS_URL", default="")
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL 必须以 redis:// 开头 (REDIS_URL must start with redis://)")
    return url


def field_encryption_keys(debug: bool) -> list[str]:
    """FIELD_ENCRYPTION_KEY: one or more comma-separated Fernet keys, the first encrypts."""
    from cryptography.fernet import Fernet

    raw = env.str("FIELD_ENCRYPTION_KEY", default="")
    if not raw:
        if not debug:
            raise ImproperlyConfigured(
                "生产环境必须设置 FIELD_ENCRYPTION_KEY (FIELD_ENCRYPTION_KEY is required)"
            )
        # Development only: a fixed key so a local database stays readable across restarts.
        raw = "d2FnZXdhdGNoLWRldmVsb3BtZW50LWtleS0wMDAwMDA="
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    for key in keys:
        try:
            Fernet(key)
        except Exception as exc:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEY 不是有效的 Fernet 密钥 (not a valid Fernet key)"
            ) from exc
    return keys
