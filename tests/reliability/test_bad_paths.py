"""Every command, given a database path that is missing, a folder, random bytes, an empty file,
another program's SQLite file, a damaged file, a file from a newer BranchDesk, or a read-only
file or folder, and a config file of wrong types or unreadable: one clear message at most,
never a traceback or a hang, and the file is left exactly as it was.

The command list is read from the parser itself: a new command without an entry in
COMMAND_ARGS fails `test_every_command_is_covered`.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
from reliability.kit import cli, env_for, write_roster

from branchdesk.cli import main
from branchdesk.cli.parser import build_parser
from branchdesk.services.demo import build_demo
from branchdesk.store.database import Store
from branchdesk.store.migrations import SCHEMA_VERSION

# Arguments that make each command do its job (files are made by the `inputs` fixture).
COMMAND_ARGS: dict[tuple[str, ...], list[str]] = {
    (): [],  # opening the app: with a bad path it must stop before the screen starts
    ("demo",): ["--members", "5"],
    ("members",): ["--limit", "3"],
    ("import", "roster"): ["{roster}"],
    ("import", "undo"): ["1"],
    ("import", "list"): [],
    ("audit", "verify"): [],
    ("audit", "head"): [],
    ("audit", "trail"): ["--member", "1", "-o", "{out}/trail.xlsx"],
    ("check",): ["--text", "保证年化15%，稳赚不赔"],
    ("staff", "list"): [],
    ("staff", "init"): ["新经理", "--password-stdin"],
    ("staff", "add"): ["新同事", "--no-password"],
    ("staff", "role"): ["新同事", "reviewer"],
    ("staff", "passwd"): ["新同事", "--password-stdin"],
    ("staff", "deactivate"): ["新同事"],
    ("staff", "activate"): ["新同事"],
    ("rules", "list"): [],
    ("rules", "show"): ["guarantee.capital"],
    ("rules", "save"): ["{rule}"],
    ("rules", "enable"): ["guarantee.capital"],
    ("rules", "disable"): ["guarantee.capital"],
    ("rules", "reset"): ["guarantee.capital"],
    ("messages", "list"): [],
    ("messages", "draft"): ["--text", "注意风险"],
    ("messages", "submit"): ["1"],
    ("messages", "sent"): ["1"],
    ("messages", "approve"): ["1", "--password-stdin"],
    ("messages", "reject"): ["1", "--reason", "不合规", "--password-stdin"],
    ("backup",): ["-o", "{out}/copy.db"],
    ("restore",): ["{backup}"],
    ("events", "add"): ["--kind", "salon", "--title", "沙龙", "--start", "2026-12-05 14:00",
                        "--end", "16:00", "--room", "301", "--capacity", "20"],
    ("events", "edit"): ["1", "--title", "新题目"],
    ("events", "list"): [],
    ("events", "show"): ["1"],
    ("events", "invite"): ["1", "--need", "解套"],
    ("events", "register"): ["1", "1"],
    ("events", "cancel"): ["1", "1"],
    ("events", "checkin"): ["1", "1"],
    ("events", "walk-in"): ["1", "新来宾", "13900001111"],
    ("events", "undo-checkin"): ["1", "1"],
    ("events", "close"): ["1"],
    ("events", "cancel-event"): ["1"],
    ("export", "calendar"): ["-o", "{out}/calendar.ics"],
    ("activity", "add"): ["1", "--kind", "call", "--note", "问候"],
    ("activity", "import"): ["{roster}", "--dry-run"],
    ("activity", "list"): [],
    ("activity", "undo"): ["1"],
    ("activity", "imports"): [],
    ("reactivation",): [],
    ("followups",): [],
    ("followup",): ["1", "--on", "2026-12-20", "--reason", "回访"],
    ("birthdays",): [],
    ("complaints", "add"): ["1", "--channel", "phone", "--category", "service", "--summary", "等太久"],
    ("complaints", "list"): [],
    ("complaints", "show"): ["1"],
    ("complaints", "respond"): ["1"],
    ("complaints", "resolve"): ["1", "--resolution", "已解决"],
    ("complaints", "assign"): ["1", "--owner", "李娜"],
    ("communities", "list"): [],
    ("communities", "add"): ["新手学堂"],
    ("communities", "rename"): ["新手学堂", "新手训练营"],
    ("communities", "merge"): ["新手训练营", "价值投资群"],
    ("communities", "advisor"): ["价值投资群", "李娜"],
    ("review",): ["--week", "2026-W49"],
    ("export", "review"): ["--week", "2026-W49", "-o", "{out}/review.xlsx"],
    ("erase-member",): ["1", "--reason", "申请单 1", "--password-stdin"],
    ("export", "members"): ["--need", "解套", "-o", "{out}/members.xlsx"],
}
READ_ONLY = {("members",), ("import", "list"), ("audit", "verify"), ("audit", "head"),
             ("audit", "trail"), ("check",), ("staff", "list"), ("rules", "list"),
             ("rules", "show"), ("messages", "list"), ("backup",), ("events", "list"),
             ("events", "show"), ("export", "calendar"), ("activity", "list"),
             ("activity", "imports"), ("reactivation",), ("followups",), ("birthdays",),
             ("complaints", "list"), ("complaints", "show"), ("communities", "list"),
             ("review",), ("export", "review"), ("export", "members")}


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, (*prefix, name))
            return found
    return [prefix]


def test_every_command_is_covered():
    assert set(_commands(build_parser())) | {()} == set(COMMAND_ARGS)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("inputs")
    rule = folder / "rule.toml"
    rule.write_text('id = "branch.test"\ncategory = "guarantee"\nseverity = "block"\n'
                    'phrases = ["稳赚"]\nbasis = "test"\n', encoding="utf-8")
    good = folder / "good.db"
    store = Store(good)
    build_demo(store, "李娜", members=20, seed=1)
    store.close()
    # An event and a complaint, so that the commands about them have something to read.
    for argv in (COMMAND_ARGS[("events", "add")], COMMAND_ARGS[("complaints", "add")]):
        command = ("events", "add") if "--kind" in argv else ("complaints", "add")
        assert main(["--db", str(good), "--lang", "en", *command, *argv]) == 0
    backup = folder / "backup.db"
    assert main(["--db", str(good), "backup", "-o", str(backup)]) == 0
    out = folder / "out"
    out.mkdir()
    return {"roster": str(write_roster(folder / "roster.xlsx", 20)), "rule": str(rule),
            "backup": str(backup), "out": str(out), "good": str(good)}


def _argv(command: tuple[str, ...], inputs: dict[str, str], db: Path, *,
          lang: bool = True) -> list[str]:
    extra = [arg.format(**inputs) for arg in COMMAND_ARGS[command]]
    return ["--db", str(db), *(["--lang", "en"] if lang else []), *command, *extra]


# --- the broken paths ----------------------------------------------------------------------------

def _missing(folder: Path) -> Path:
    return folder / "nothing-here.db"


def _folder(folder: Path) -> Path:
    target = folder / "a-folder"
    target.mkdir()
    (target / "inside.txt").write_text("x")
    return target


def _random_bytes(folder: Path) -> Path:
    target = folder / "random.db"
    target.write_bytes(os.urandom(50_000))
    return target


def _empty(folder: Path) -> Path:
    target = folder / "empty.db"
    target.write_bytes(b"")
    return target


def _foreign(folder: Path) -> Path:
    target = folder / "foreign.db"
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()
    return target


def _newer(folder: Path) -> Path:
    target = folder / "newer.db"
    Store(target).close()
    conn = sqlite3.connect(target)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    conn.close()
    return target


def _damaged(folder: Path) -> Path:
    target = folder / "damaged.db"
    store = Store(target)
    build_demo(store, "李娜", members=300, seed=1)
    store.close()
    data = bytearray(target.read_bytes())
    for offset in range(4096 * 3, len(data), 4096 * 2):
        data[offset + 8:offset + 400] = os.urandom(392)
    target.write_bytes(bytes(data))
    return target


KINDS = {"missing": _missing, "folder": _folder, "random bytes": _random_bytes, "empty": _empty,
         "foreign SQLite": _foreign, "newer version": _newer, "damaged": _damaged}


def _fingerprint(path: Path) -> str:
    """The file's bytes (a folder: its listing), and whatever sits beside it."""
    digest = hashlib.sha256()
    if path.is_dir():
        for item in sorted(path.rglob("*")):
            digest.update(str(item).encode())
    elif path.exists():
        digest.update(path.read_bytes())
    for suffix in ("-wal", "-journal"):
        side = Path(str(path) + suffix)
        if side.exists() and side.stat().st_size:
            digest.update(side.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def no_hang():
    """A command that runs away fails the test instead of hanging it."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def timeout(signum, frame):
        raise TimeoutError("the command did not finish within 120 s")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _run(argv: list[str], capsys, monkeypatch) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO("secret-1\nsecret-1\nsecret-1\n"))
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse: --help, or a usage error
        code = stop.code if isinstance(stop.code, int) else 2
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("command", list(COMMAND_ARGS), ids=lambda c: " ".join(c) or "app")
def test_a_broken_database_path_is_one_message_and_stays_untouched(
        kind, command, inputs, tmp_path, capsys, monkeypatch, tally, no_hang):
    db = KINDS[kind](tmp_path)
    before = _fingerprint(db)
    if kind == "missing" and command == ():
        return  # the app creates the database on a first start, and opens its screen
    code, output = _run(_argv(command, inputs, db), capsys, monkeypatch)
    tally["bad paths tried"] += 1
    assert "Traceback" not in output
    if kind == "missing":
        if command == ("check",):  # checks a text without any database: exit 1 = blocked
            assert code == 1 and not db.exists()
        elif command in READ_ONLY or command == ("import", "undo"):
            assert code == 2 and "no database" in output
            assert not db.exists()  # a mistyped path never becomes a new, empty database
        return
    if kind == "damaged":  # SQLite may still read (and write) the parts that are whole
        assert code in (0, 1, 2)
        return
    assert code == 2, output
    assert output.startswith("branchdesk: ") and output.count("\n") <= 2
    assert _fingerprint(db) == before


# --- read-only files and folders (a user who may not write; root may write anything) ---------

def _unprivileged() -> list[str] | None:
    """A command prefix under which file permissions apply: none for an ordinary user; for
    root (who may write anything), setpriv dropping every capability."""
    if not hasattr(os, "geteuid"):
        return None  # Windows: read-only files are tried by hand (README, offline install)
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--inh-caps=-all", "--bounding-set=-all", "--ambient-caps=-all"]


def _read_only_copy(inputs, public: Path, folder_read_only: bool) -> tuple[Path, dict]:
    """The database as it would sit on a CD or a write-protected USB stick, with the files
    the commands read beside it (readable by the other user)."""
    folder = public / "media"
    folder.mkdir()
    scratch = {}
    for key in ("roster", "rule", "backup"):
        target = public / Path(inputs[key]).name
        target.write_bytes(Path(inputs[key]).read_bytes())
        target.chmod(0o644)
        scratch[key] = str(target)
    out = public / "out"
    out.mkdir()
    out.chmod(0o777)
    scratch["out"] = str(out)
    db = folder / "branch.db"
    conn = sqlite3.connect(inputs["good"])
    dest = sqlite3.connect(db)
    conn.backup(dest)
    dest.execute("PRAGMA journal_mode = DELETE")
    dest.close()
    conn.close()
    db.chmod(0o444)
    public.chmod(0o755)
    folder.chmod(0o555 if folder_read_only else 0o777)
    return db, scratch


@pytest.mark.parametrize("folder_read_only", [
    pytest.param(True, id="read-only folder"),
    pytest.param(False, id="read-only file", marks=pytest.mark.slow)])
def test_read_only_media(inputs, folder_read_only, tally):
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("needs a way to make a file read-only for the command")
    public = Path(tempfile.mkdtemp(prefix="branchdesk-ro-"))
    try:
        db, scratch = _read_only_copy(inputs, public, folder_read_only)
        before = _fingerprint(db)
        for command in COMMAND_ARGS:
            if command == ():
                continue  # the app itself: a terminal screen, tried with good paths elsewhere
            done = subprocess.run([*prefix, *cli(*_argv(command, scratch, db))],
                                  env=env_for(public), capture_output=True, text=True,
                                  timeout=120, input="secret-1\nsecret-1\n")
            tally["bad paths tried"] += 1
            assert "Traceback" not in done.stderr, (command, done.stderr)
            if command in READ_ONLY:  # reads work on read-only media
                assert done.returncode in (0, 1), (command, done.stderr)
            else:
                assert done.returncode == 2, (command, done.stdout, done.stderr)
            assert _fingerprint(db) == before, command
    finally:
        for path in (public / "media", public):
            path.chmod(0o755)
        shutil.rmtree(public, ignore_errors=True)


# --- broken config files ---------------------------------------------------------------------------

CONFIGS = {
    "operator is a number": "operator = 5\n",
    "language is a list": 'language = ["zh"]\n',
    "unknown language": 'language = "fr"\n',
    "dormant_days is text": 'dormant_days = "thirty"\n',
    "dormant_days out of range": "dormant_days = -4\n",
    "tier_thresholds is text": 'tier_thresholds = "high"\n',
    "tier_thresholds of text": 'tier_thresholds = ["a", "b", "c"]\n',
    "db is a table": "[db]\npath = 1\n",
    "backup_keep is true": "backup_keep = true\n",
    "not TOML": "operator = \n[[[\n",
    "not UTF-8": b"operator = '\xff\xfe\xfa'\n",
    "a folder": None,
}


@pytest.mark.parametrize("config", list(CONFIGS))
def test_a_broken_config_file_is_one_message_for_every_command(config, inputs, tmp_path, capsys,
                                                              monkeypatch, tally, no_hang):
    path = tmp_path / "config.toml"
    content = CONFIGS[config]
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("BRANCHDESK_CONFIG", str(path))
    db = Path(inputs["good"])
    if content is None:  # a folder is no config at all: the commands run, on a copy
        db = tmp_path / "scratch.db"
        shutil.copy2(inputs["good"], db)
    before = _fingerprint(db)
    for command in COMMAND_ARGS:
        # no --lang: the config's language may be the broken part
        for argv in (_argv(command, inputs, db, lang=False), [*command, "--help"]):
            if command == () and "--help" not in argv and content is None:
                continue  # a folder as config is no config: this would open the app
            code, output = _run(argv, capsys, monkeypatch)
            tally["bad config files tried"] += 1
            assert "Traceback" not in output, (command, output)
            if "--help" in argv:
                assert code == 0 and "usage:" in output  # help always works
            elif content is not None:
                assert code == 2, output
                assert "settings file" in output.lower() or "Unknown language" in output, output
    if content is not None:
        assert _fingerprint(db) == before


def test_demo_size_is_limited_with_a_clear_message(tmp_path, capsys):
    db = tmp_path / "demo.db"
    assert main(["--db", str(db), "--lang", "en", "demo", "--members", "99999999999999999999"]) == 2
    assert "goes up to 1,000,000 members" in capsys.readouterr().err


# --- mistakes on the command line ------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_command_line_mistake_is_one_line_for_every_command(language, inputs, tmp_path, capsys,
                                                            monkeypatch):
    """An option nobody knows, after arguments that are otherwise right: one line naming the
    command, the option and where its help is, in the user's language; no usage block."""
    db = tmp_path / "untouched.db"
    for command in COMMAND_ARGS:
        argv = [*_argv(command, inputs, db, lang=False), "--lang", language, "--no-such-option"]
        code, output = _run(argv, capsys, monkeypatch)
        prog = " ".join(("branchdesk", *command))
        assert code == 2, (command, output)
        assert output.count("\n") == 1 and "usage" not in output and "用法：" not in output, output
        assert output.startswith(f"{prog}{':' if language == 'en' else '：'}"), output
        assert "--no-such-option" in output and f"{prog} --help" in output, output
        assert not db.exists()


MISTAKES = {  # what is typed → what the one line must say, in English and in Chinese
    "missing option": (["events", "add", "--kind", "salon"],
                       "the following arguments are required: --title, --start, --end",
                       "缺少必需的参数：--title, --start, --end"),
    "bad choice": (["events", "add", "--kind", "party"], "argument --kind: invalid choice: 'party'",
                   "参数 --kind：无效的选择：'party'"),
    "missing value": (["review", "--week"], "argument --week: expected one argument",
                      "参数 --week：需要一个值"),
    "unknown command": (["evnts", "list"], "invalid choice: 'evnts'", "无效的选择：'evnts'"),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_one_line_says_what_is_wrong(mistake, language, tmp_path):
    argv, english, chinese = MISTAKES[mistake]
    done = subprocess.run(cli("--lang", language, "--db", str(tmp_path / "none.db"), *argv),
                          env=env_for(tmp_path), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert (english if language == "en" else chinese) in done.stderr
    command = "branchdesk events add" if mistake == "missing option" else None
    if command:
        assert done.stderr.rstrip().endswith(
            f"(see {command} --help)" if language == "en" else f"（用法见 {command} --help）")
