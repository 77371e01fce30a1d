"""The offline install: lock files for every target, bundles that hold exactly what the locks
pin, an install that uses nothing but the bundle, and code that runs on Windows.

The tests that build bundles download wheels, so they carry the `bundle` marker and run in
CI's second step (`pytest -m bundle`, see .ci/run); the others run in the default suite.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import offline_bundle  # noqa: E402  (a script in tools/, not part of the package)


def test_the_readme_names_the_python_versions_bundles_are_built_for():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = re.search(r"Python (3\.\d+), (3\.\d+) or (3\.\d+)", readme)
    assert named and named.groups() == offline_bundle.PYTHONS


@pytest.mark.parametrize("platform", sorted(offline_bundle.PLATFORMS))
@pytest.mark.parametrize("python", offline_bundle.PYTHONS)
def test_a_lock_file_pins_every_dependency_with_hashes(platform, python):
    lock = offline_bundle.lock_path(offline_bundle.PLATFORMS[platform], python)
    pinned = offline_bundle.pins(lock)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        name = offline_bundle.normal(re.split(r"[<>=!~ ;\[]", requirement, maxsplit=1)[0])
        assert name in pinned, f"{name} is not in {lock.name}"
    assert all(hashes for _, hashes in pinned.values())


def test_every_dependency_has_a_tested_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        assert "==" in requirement or "<" in requirement, f"no upper bound: {requirement}"


# Calls that exist only on POSIX systems. Each use in the package must sit under a guard
# (hasattr, a platform check or an ImportError fallback) within the dozen lines before it.
POSIX_ONLY = re.compile(r"\bos\.(fork|getuid|geteuid|getpgid|killpg|setsid|getloadavg|chown)\b"
                        r"|\bimport (fcntl|resource|pwd|grp|termios|pty)\b|signal\.SIG(KILL|ALRM|HUP)")
GUARD = re.compile(r"hasattr\(|sys\.platform|os\.name|except (ImportError|ModuleNotFoundError|"
                   r"AttributeError)|try:")


def test_no_posix_only_call_runs_unguarded():
    offenders = []
    for path in sorted((ROOT / "branchdesk").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if POSIX_ONLY.search(line.split("#")[0]):
                context = "\n".join(lines[max(0, number - 12):number + 1])
                if not GUARD.search(context):
                    offenders.append(f"{path.relative_to(ROOT)}:{number + 1}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


# --- building and installing (downloads: `pytest -m bundle`) ---------------------------------

@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    out = tmp_path_factory.mktemp("offline")
    return out


@pytest.mark.bundle
@pytest.mark.xdist_group("bundle")  # one after another: both build the project's wheel
def test_the_windows_bundles_hold_exactly_what_their_locks_pin(bundles):
    made = offline_bundle.build([offline_bundle.PLATFORMS["win_amd64"]],
                                list(offline_bundle.PYTHONS), bundles, make_zip=False)
    for bundle in made:
        assert offline_bundle.check(bundle) == []
        wheels = [w.name for w in (bundle / "wheels").glob("*.whl")]
        assert all(w.endswith(("-win_amd64.whl", "-none-any.whl", "-abi3-win_amd64.whl"))
                   for w in wheels), wheels
        assert (bundle / "install.cmd").read_bytes().count(b"--no-index") == 1


def _clean_pip_env(home: Path) -> dict[str, str]:
    env = offline_bundle.pip_environment()
    env.update({"HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
                "XDG_CONFIG_HOME": str(home / "config"), "PIP_NO_CACHE_DIR": "1",
                "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30", "LANG": "C.UTF-8"})
    env.pop("BRANCHDESK_DB", None)
    env.pop("BRANCHDESK_CONFIG", None)
    env.pop("PYTHONPATH", None)
    return env


def _run_in_terminal(args: list[str], env: dict[str, str], wait_for: bytes, keys: bytes,
                     timeout: float = 120) -> tuple[int, bytes]:
    """Start a terminal app on a pseudo-terminal, wait for text, press keys, collect its exit."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + timeout
    sent = False
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            import select

            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
            if not sent and wait_for in seen:
                time.sleep(1.0)
                os.write(master, keys)
                sent = True
        return proc.wait(timeout=30), seen
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)


@pytest.mark.bundle
@pytest.mark.xdist_group("bundle")  # one after another: both build the project's wheel
@pytest.mark.skipif(os.name != "posix", reason="the Linux bundle, on Linux")
def test_the_linux_bundle_installs_without_the_internet_and_starts(bundles, tmp_path):
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    [bundle] = offline_bundle.build([offline_bundle.PLATFORMS["manylinux_x86_64"]], [python],
                                    bundles, make_zip=True)
    assert offline_bundle.check(bundle) == []
    env = _clean_pip_env(tmp_path)
    venv = tmp_path / "app"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index", "--find-links",
         str(bundle / "wheels"), "--require-hashes", "-r", str(bundle / "requirements.txt")],
        env=env, capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    branchdesk = venv / "bin" / "branchdesk"
    helped = subprocess.run([str(branchdesk), "--help"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert helped.returncode == 0 and "usage: branchdesk" in helped.stdout
    code, screen = _run_in_terminal([str(branchdesk), "--demo", "--lang", "en"], env,
                                    wait_for=b"members", keys=b"\x11")  # ctrl+q
    assert code == 0, screen[-2000:]
    assert (tmp_path / "data" / "branchdesk" / "demo.db").exists()
