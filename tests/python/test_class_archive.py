"""The class archive of ``make setup``: used by the Spark JVMs when it exists, harmless when not."""

import subprocess
from pathlib import Path

import pytest

from marketing_analytics import class_archive


def test_options_are_added_once_and_only_when_the_archive_exists(tmp_path, monkeypatch) -> None:
    archive = tmp_path / "spark-classes.jsa"
    monkeypatch.setattr(class_archive, "archive_path", lambda java_home=None: archive)
    conf = {"spark.driver.extraJavaOptions": "-Dderby.system.home=/x"}
    assert class_archive.with_archive(conf) == conf  # no archive: nothing changes
    archive.write_bytes(b"")
    once = class_archive.with_archive(conf)
    expected = f"-Dderby.system.home=/x -XX:SharedArchiveFile={archive} {class_archive.QUIET}"
    assert once["spark.driver.extraJavaOptions"] == expected
    assert class_archive.with_archive(once) == once
    assert conf["spark.driver.extraJavaOptions"] == "-Dderby.system.home=/x"  # not mutated


def test_archive_belongs_to_this_java_and_spark(tmp_path) -> None:
    first = class_archive.archive_path(tmp_path / "jdk-a")
    assert first == class_archive.archive_path(tmp_path / "jdk-a")
    assert first != class_archive.archive_path(tmp_path / "jdk-b")


def test_the_session_jvm_maps_the_archive(spark) -> None:
    path = class_archive.archive_path()
    if not path.is_file():
        pytest.skip(f"no class archive for this Java at {path} (make setup makes one)")
    jvm = spark.sparkContext._jvm
    arguments = list(
        jvm.java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
    )
    assert f"-XX:SharedArchiveFile={Path(path)}" in arguments
    # -Xshare:on refuses to start unless the archive maps: the session's own Java and
    # classpath accept it, another classpath does not (so the check can fail).
    java = Path(jvm.java.lang.System.getProperty("java.home")) / "bin" / "java"
    classpath = jvm.java.lang.System.getProperty("java.class.path")

    def starts(classpath: str) -> bool:
        command = [str(java), "-Xshare:on", f"-XX:SharedArchiveFile={path}", "-cp", classpath]
        return subprocess.run([*command, "-version"], capture_output=True).returncode == 0

    assert starts(classpath)
    assert not starts(str(path.parent))
