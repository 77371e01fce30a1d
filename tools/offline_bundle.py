"""Offline install bundles for office PCs without internet access.

A bundle is one folder (and a .zip of it) per target: the BranchDesk wheel, a wheel of every
dependency for that platform and Python version, a requirements file pinning each of them
with its SHA-256, and install scripts that use nothing but the folder:

    pip install --no-index --find-links wheels --require-hashes -r requirements.txt

The pins come from lock files in requirements/offline/, resolved *for the target platform*
(resolving on Linux for Windows would drop Windows-only dependencies): `lock` writes them
with `uv pip compile --python-platform … --python-version … --generate-hashes`; `build`
downloads exactly what they pin and nothing else (pip checks every hash on the way);
`check` proves a bundle holds one wheel per pinned package with a pinned hash, and nothing
more.

    python tools/offline_bundle.py lock                      # needs uv and the internet
    python tools/offline_bundle.py build [--platform win_amd64] [--python 3.12] [--zip]
    python tools/offline_bundle.py check dist/offline/branchdesk-0.1.0-win_amd64-py3.12

Build and lock need the internet; the target PC needs only the bundle and Python.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ROOT / "requirements" / "offline"
# The Python versions BranchDesk is tested on and the README names (a test keeps them equal).
PYTHONS = ("3.11", "3.12", "3.13")


@dataclass(frozen=True)
class Platform:
    name: str               # in file names
    uv_platform: str        # what `uv pip compile --python-platform` resolves for
    wheel_tags: tuple[str, ...]  # what `pip download --platform` accepts, best first


PLATFORMS = {
    "win_amd64": Platform("win_amd64", "x86_64-pc-windows-msvc", ("win_amd64",)),
    "manylinux_x86_64": Platform(
        "manylinux_x86_64", "x86_64-manylinux_2_17",
        ("manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux_2_5_x86_64",
         "manylinux1_x86_64")),
}

INSTALL_CMD = r"""@echo off
rem BranchDesk offline install: only this folder is used, nothing is downloaded.
rem Usage: install.cmd [TARGET]   (default: %LOCALAPPDATA%\branchdesk\app)
setlocal
set HERE=%~dp0
set TARGET=%~1
if "%TARGET%"=="" set TARGET=%LOCALAPPDATA%\branchdesk\app
py -{python} -m venv "%TARGET%" || goto :failed
"%TARGET%\Scripts\python.exe" -m pip install --no-index --find-links "%HERE%wheels" ^
    --require-hashes -r "%HERE%requirements.txt" || goto :failed
echo.
echo BranchDesk is installed. Start it with: "%TARGET%\Scripts\branchdesk.exe"
echo Try it first on the demo branch: "%TARGET%\Scripts\branchdesk.exe" --demo
exit /b 0
:failed
echo Installation failed: see the message above. Nothing outside %TARGET% was changed.
exit /b 1
"""

INSTALL_SH = """#!/bin/sh
# BranchDesk offline install: only this folder is used, nothing is downloaded.
# Usage: sh install.sh [TARGET]   (default: ~/.local/share/branchdesk/app)
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
TARGET=${{1:-$HOME/.local/share/branchdesk/app}}
python{python} -m venv "$TARGET"
"$TARGET/bin/python" -m pip install --no-index --find-links "$HERE/wheels" \
    --require-hashes -r "$HERE/requirements.txt"
echo
echo "BranchDesk is installed. Start it with: $TARGET/bin/branchdesk"
echo "Try it first on the demo branch: $TARGET/bin/branchdesk --demo"
"""


def lock_path(platform: Platform, python: str) -> Path:
    return LOCKS / f"{platform.name}-py{python}.txt"


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def run(args: list[str], **kwargs) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, **kwargs)


def pip_environment() -> dict[str, str]:
    """pip without this machine's own settings (extra indexes, local wheel folders)."""
    env = dict(os.environ)
    env["PIP_CONFIG_FILE"] = os.devnull
    for name in ("PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "PIP_INDEX_URL", "PIP_CONSTRAINT"):
        env.pop(name, None)
    return env


def uv_command() -> list[str]:
    found = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(found).exists():
        sys.exit("uv is needed to resolve the lock files: pip install uv")
    return [found]


def lock(platforms: list[Platform], pythons: list[str]) -> None:
    """Resolve the dependencies of pyproject.toml for each target, with hashes."""
    LOCKS.mkdir(parents=True, exist_ok=True)
    for platform in platforms:
        for python in pythons:
            run([*uv_command(), "pip", "compile", str(ROOT / "pyproject.toml"),
                 "--python-platform", platform.uv_platform, "--python-version", python,
                 "--generate-hashes", "--no-header", "--quiet",
                 "--output-file", str(lock_path(platform, python))],
                env=pip_environment(), cwd=ROOT)


# --- what a lock file pins ---------------------------------------------------------------------

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock_file: Path) -> dict[str, tuple[str, set[str]]]:
    """Package (normalised) → (version, allowed sha256 hashes)."""
    out: dict[str, tuple[str, set[str]]] = {}
    current = None
    for line in lock_file.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            current = normal(match.group(1))
            out[current] = (match.group(2), set())
        if current is not None:
            out[current][1].update(HASH.findall(line))
    return out


def wheel_name(file: Path) -> tuple[str, str]:
    """(normalised project, version) from a wheel's file name."""
    parts = file.name[:-4].split("-")
    return normal(parts[0]), parts[1]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check(bundle: Path, lock_file: Path | None = None) -> list[str]:
    """Problems with a bundle: every pinned package has exactly one wheel with a pinned
    hash, nothing else is in it, and the project's own wheel matches requirements.txt."""
    lock_file = lock_file or bundle / "lock.txt"
    pinned = pins(lock_file)
    wheels = sorted((bundle / "wheels").glob("*.whl"))
    problems: list[str] = []
    seen: dict[str, Path] = {}
    for wheel in wheels:
        name, version = wheel_name(wheel)
        if name == "branchdesk":
            continue
        if name not in pinned:
            problems.append(f"{wheel.name}: not in the lock file")
            continue
        if name in seen:
            problems.append(f"{wheel.name}: a second wheel for {name}")
        seen[name] = wheel
        want_version, hashes = pinned[name]
        if version != want_version:
            problems.append(f"{wheel.name}: version {version}, the lock pins {want_version}")
        if sha256(wheel) not in hashes:
            problems.append(f"{wheel.name}: its hash is not one the lock file allows")
    for name in sorted(set(pinned) - set(seen)):
        problems.append(f"{name}=={pinned[name][0]}: pinned, but no wheel in the bundle")
    own = [w for w in wheels if wheel_name(w)[0] == "branchdesk"]
    requirements = (bundle / "requirements.txt").read_text(encoding="utf-8")
    if len(own) != 1 or sha256(own[0]) not in requirements:
        problems.append("the branchdesk wheel is missing or does not match requirements.txt")
    return problems


# --- building ---------------------------------------------------------------------------------

def project_wheel(workdir: Path) -> Path:
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(workdir),
         str(ROOT)], env=pip_environment())
    [wheel] = workdir.glob("branchdesk-*.whl")
    return wheel


def build_one(platform: Platform, python: str, own_wheel: Path, out: Path, *, make_zip: bool) -> Path:
    lock_file = lock_path(platform, python)
    if not lock_file.exists():
        sys.exit(f"No lock file {lock_file.relative_to(ROOT)}: run `python tools/offline_bundle.py lock`")
    bundle = out / f"branchdesk-{project_version()}-{platform.name}-py{python}"
    if bundle.exists():
        shutil.rmtree(bundle)
    wheels = bundle / "wheels"
    wheels.mkdir(parents=True)
    tags = [arg for tag in platform.wheel_tags for arg in ("--platform", tag)]
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         *tags, "--python-version", python, "--implementation", "cp",
         "--require-hashes", "-r", str(lock_file), "--dest", str(wheels)], env=pip_environment())
    shutil.copy2(own_wheel, wheels / own_wheel.name)
    shutil.copy2(lock_file, bundle / "lock.txt")
    requirements = lock_file.read_text(encoding="utf-8").rstrip("\n")
    requirements += f"\nbranchdesk=={project_version()} \\\n    --hash=sha256:{sha256(own_wheel)}\n"
    (bundle / "requirements.txt").write_text(requirements, encoding="utf-8")
    if platform.name == "win_amd64":
        (bundle / "install.cmd").write_text(INSTALL_CMD.format(python=python).replace("\n", "\r\n"),
                                            encoding="utf-8")
    else:
        script = bundle / "install.sh"
        script.write_text(INSTALL_SH.format(python=python), encoding="utf-8")
        script.chmod(0o755)
    problems = check(bundle)
    if problems:
        sys.exit("The bundle does not match its lock file:\n  " + "\n  ".join(problems))
    print(f"Bundle: {bundle} ({len(list(wheels.glob('*.whl')))} wheels)")
    if make_zip:
        archive = shutil.make_archive(str(bundle), "zip", root_dir=out, base_dir=bundle.name)
        print(f"Archive: {archive}")
    return bundle


def build(platforms: list[Platform], pythons: list[str], out: Path, *, make_zip: bool) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        own = project_wheel(Path(scratch))
        return [build_one(p, v, own, out, make_zip=make_zip) for p in platforms for v in pythons]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("lock", "build"):
        command = sub.add_parser(name)
        command.add_argument("--platform", choices=sorted(PLATFORMS), action="append")
        command.add_argument("--python", choices=PYTHONS, action="append")
        if name == "build":
            command.add_argument("--out", type=Path, default=ROOT / "dist" / "offline")
            command.add_argument("--zip", action="store_true", help="also write a .zip of each")
    checking = sub.add_parser("check")
    checking.add_argument("bundle", type=Path)
    args = parser.parse_args(argv)
    if args.command == "check":
        problems = check(args.bundle)
        print("\n".join(problems) if problems else f"{args.bundle}: every wheel matches the lock file")
        return 1 if problems else 0
    platforms = [PLATFORMS[p] for p in (args.platform or sorted(PLATFORMS))]
    pythons = args.python or list(PYTHONS)
    if args.command == "lock":
        lock(platforms, pythons)
    else:
        build(platforms, pythons, args.out, make_zip=args.zip)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
