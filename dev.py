#!/usr/bin/env python3
"""Bootstrap and run Frontliner from a bare Python: `python3 dev.py run` or `python3 dev.py test`.

Only the standard library is used here, so this works before anything is installed.
It installs a pinned `uv` into `.tools/`, syncs the locked dependencies into `.venv/`,
then hands over to the project's own commands.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".tools"
UV_VERSION = "0.13.8"
VENV = ROOT / ".venv"


def _bin(env_dir: Path, name: str) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin") / name


def ensure_uv() -> Path:
    uv = _bin(TOOLS, "uv")
    if uv.exists():
        return uv
    print(f"dev.py: installing uv {UV_VERSION} into .tools/", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
    subprocess.run(
        [str(_bin(TOOLS, "python")), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", f"uv=={UV_VERSION}"],
        check=True,
    )
    return uv


def sync(uv: Path) -> None:
    env = dict(os.environ, UV_PROJECT_ENVIRONMENT=str(VENV))
    subprocess.run(
        [str(uv), "sync", "--frozen", "--quiet", "--python", sys.executable],
        check=True, cwd=ROOT, env=env,
    )


def run(argv: list[str]) -> int:
    return subprocess.call(argv, cwd=ROOT)


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    extra = sys.argv[2:]
    if command not in {"run", "test", "sync"}:
        print(__doc__)
        return 0 if command == "help" else 2
    sync(ensure_uv())
    frontliner = str(_bin(VENV, "frontliner"))
    if command == "run":
        return run([frontliner, "demo", "--serve", *extra])
    if command == "test":
        return run([str(_bin(VENV, "python")), "-m", "pytest", *extra])
    return 0


if __name__ == "__main__":
    sys.exit(main())
