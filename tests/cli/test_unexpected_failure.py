"""A command that stops on an unexpected error exits 4, and one interrupted (Ctrl-C) 130, never
Python's 1 (which reads as "hits")."""
from __future__ import annotations

import signal
import subprocess
import sys

from click.testing import CliRunner

from cli import screen_commands
from cli.main import main
from screening.outcome import FAILED, HITS, INTERRUPTED


def test_a_crash_inside_a_run_exits_failed_with_its_traceback_and_leaves_the_output(tmp_path, monkeypatch):
    source = tmp_path / "customers.csv"
    source.write_text("name\nIvan Petrov\n", encoding="utf-8")
    out = tmp_path / "hits.csv"
    out.write_text("previous output\n", encoding="utf-8")

    def crash(*args, **kwargs):
        raise RuntimeError("executor lost")

    monkeypatch.setattr(screen_commands, "screen_file", crash)
    result = CliRunner().invoke(main, ["screen", str(source), "-o", str(out)])
    assert result.exit_code == FAILED != HITS
    assert "unexpected error" in result.stderr and "RuntimeError: executor lost" in result.stderr
    assert "Traceback" in result.stderr  # what a bug report needs
    assert out.read_text(encoding="utf-8") == "previous output\n"


def test_usage_errors_keep_their_own_exit_code():
    result = CliRunner().invoke(main, ["screen", "--no-such-option"])
    assert result.exit_code == 2


def _installed_command(tmp_path, screen_file: str) -> list[str]:
    """``screening screen customers.csv -o hits.csv`` as a real process (the exit code a shell
    sees), its screen_file replaced by ``screen_file``'s lines (a function of that name)."""
    code = ("import signal, sys, time; from cli import screen_commands as s; from cli.main import main\n"
            f"{screen_file}\n"
            "s.screen_file = screen_file\n"
            "sys.argv = ['screening', 'screen', sys.argv[1], '-o', sys.argv[2]]\n"
            "main()\n")
    source = tmp_path / "customers.csv"
    source.write_text("name\nIvan Petrov\n", encoding="utf-8")
    return [sys.executable, "-c", code, str(source), str(tmp_path / "hits.csv")]


def test_the_installed_command_exits_failed_too(tmp_path):
    command = _installed_command(tmp_path, "def screen_file(*a, **k): raise MemoryError('no room')")
    proc = subprocess.run(command, capture_output=True, text=True)
    assert proc.returncode == FAILED, proc.stderr
    assert "MemoryError: no room" in proc.stderr


def test_an_interrupted_run_exits_interrupted_not_hits(tmp_path, monkeypatch):
    source = tmp_path / "customers.csv"
    source.write_text("name\nIvan Petrov\n", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(screen_commands, "screen_file", interrupted)
    result = CliRunner().invoke(main, ["screen", str(source), "-o", str(tmp_path / "hits.csv")])
    assert result.exit_code == INTERRUPTED != HITS
    assert "interrupted" in result.stderr
    assert not (tmp_path / "hits.csv").exists()


def test_ctrl_c_on_the_installed_command_exits_interrupted(tmp_path):
    # a real SIGINT, as Ctrl-C sends it
    # (Python leaves SIGINT ignored when it starts ignored, as under nohup or in a background job:
    # the command is made to take it as it does from a terminal)
    command = _installed_command(tmp_path, "def screen_file(*a, **k):\n"
                                           "    signal.signal(signal.SIGINT, signal.default_int_handler)\n"
                                           "    print('busy', file=sys.stderr, flush=True)\n"
                                           "    time.sleep(120)")
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    said = []
    while (line := proc.stderr.readline()) and line.strip() != "busy":  # what it says first, if anything
        said.append(line)
    assert line.strip() == "busy", "".join(said)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == INTERRUPTED, err
    assert "interrupted" in err and "Traceback" not in err
