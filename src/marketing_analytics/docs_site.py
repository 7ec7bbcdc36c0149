"""Serve the dbt docs site (``dbt docs generate``) on 127.0.0.1 with the standard library.

``dbt docs serve`` binds to every interface unless told otherwise and serves the
whole target folder (compiled SQL, run results, logs). This server binds where it
is told (127.0.0.1 by default) and serves only the site's own files.
"""

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE_FILES = ("index.html", "manifest.json", "catalog.json", "static_index.html")


class DocsHandler(SimpleHTTPRequestHandler):
    """Serves the docs files of one target folder and nothing else."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        name = self.path.split("?", 1)[0].split("#", 1)[0].lstrip("/") or "index.html"
        if name not in SITE_FILES or not (Path(self.directory) / name).is_file():
            self.send_error(404, "not part of the docs site")
            return
        self.path = "/" + name
        super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def end_headers(self) -> None:
        # The site changes with every `make docs`: never serve a stale manifest.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def check_site(target_dir: Path) -> None:
    missing = [name for name in SITE_FILES[:3] if not (target_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{', '.join(missing)} missing in {target_dir}: run `make docs` first"
        )


def make_server(target_dir: Path, host: str = "127.0.0.1", port: int = 8080) -> ThreadingHTTPServer:
    target_dir = Path(target_dir).resolve()
    check_site(target_dir)
    handler = functools.partial(DocsHandler, directory=str(target_dir))
    return ThreadingHTTPServer((host, port), handler)


def serve_forever(target_dir: Path, host: str = "127.0.0.1", port: int = 8080) -> None:
    server = make_server(target_dir, host, port)
    print(f"dbt docs site of {target_dir} on http://{host}:{port}/", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
