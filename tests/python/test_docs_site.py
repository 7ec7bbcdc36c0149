"""The dbt docs site: served on 127.0.0.1 by PID, and its lineage graph, rendered client-side
by the site's JavaScript (cytoscape), shows a mart's upstream models in headless Chromium."""

import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port

from marketing_analytics import servers
from marketing_analytics.docs_site import make_server

MART = "model.marketing_analytics.rpt_validation_scorecard"

# The cytoscape instance the docs site draws its graph with.
CYTOSCAPE = (
    "Array.from(document.querySelectorAll('.__________cytoscape_container'))"
    ".map(element => element._cyreg && element._cyreg.cy).filter(Boolean)[0]"
)


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_site_server_serves_only_the_site_files(tmp_path: Path) -> None:
    for name in ("index.html", "manifest.json", "catalog.json", "run_results.json"):
        (tmp_path / name).write_text("{}")
    server = make_server(tmp_path, "127.0.0.1", 0)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}"
        assert get(f"{base}/") == 200
        assert get(f"{base}/manifest.json?cache=1") == 200
        assert get(f"{base}/run_results.json") == 404
        assert get(f"{base}/../../etc/passwd") == 404
    finally:
        server.shutdown()
        server.server_close()


def test_site_needs_make_docs_first(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make docs"):
        make_server(tmp_path, "127.0.0.1", 0)


def upstream(manifest: dict, unique_id: str) -> set[str]:
    """Every node the given one depends on, transitively (models, seeds, sources)."""
    seen: set[str] = set()
    stack = [unique_id]
    while stack:
        for parent in manifest["parent_map"].get(stack.pop(), []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (from /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                found.add(_decode_address(address))
    return found


def _decode_address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    if words[:12] == b"\0" * 10 + b"\xff\xff":  # IPv4-mapped (Java binds IPv6 sockets)
        return socket.inet_ntop(socket.AF_INET, words[12:])
    return socket.inet_ntop(socket.AF_INET6, words)


@pytest.mark.slow
def test_lineage_graph_of_a_mart_shows_its_upstream_models(project_build, tmp_path: Path) -> None:
    from headless import Chromium, chromium_binary

    if chromium_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium missing in CI: .ci/run runs `make browser` first")
        pytest.skip("chromium not installed (make browser)")
    manifest = json.loads((project_build.target_dir / "manifest.json").read_text())
    expected_upstream = {
        node for node in upstream(manifest, MART) if node.split(".")[0] in ("model", "seed")
    }
    assert len(expected_upstream) >= 10  # staging, base and intermediate models, seeds
    exposures = {
        unique_id
        for unique_id, exposure in manifest["exposures"].items()
        if MART in exposure["depends_on"]["nodes"]
    }
    assert exposures  # the dashboards, report and export that read the mart

    state = tmp_path / "state"
    server = servers.start_docs_server(project_build.target_dir, state, port=free_port())
    try:
        assert servers.running("docs", state) == server.pid
        assert listening_addresses(server.port) == {"127.0.0.1"}
        with Chromium(width=1400, height=1000) as browser:
            browser.navigate(f"http://127.0.0.1:{server.port}/#!/model/{MART}")
            launcher = "document.querySelector('[ng-click=\"onLauncherClick()\"]')"
            browser.wait_for(f"!!{launcher}")
            inputs = "Array.from(document.querySelectorAll('input'))"
            selected = f"{inputs}.some(i => i.value === '+rpt_validation_scorecard+')"
            # The model page fills the graph's selector box; a click on the graph before
            # that (seen with Chromium 156.0.8078.114) opens the whole DAG unselected.
            browser.wait_for(selected)
            browser.evaluate(f"{launcher}.click()")
            expand = "document.querySelector('[ng-click=\"showExpanded()\"]')"
            # The expanded graph selects +model+ and lays it out full screen; the
            # sidebar opens with an animation that can swallow an early click, so
            # click until the graph is full screen.
            browser.wait_for(
                f"(() => {{ const cy = {CYTOSCAPE};"
                " if (cy && cy.container().clientWidth > 1000"
                "     && cy.nodes(':visible').length > 5) return true;"
                f" if ({expand}) {expand}.click(); return false; }})()",
                interval=1.5,
            )
            graph = browser.evaluate(
                f"(() => {{ const cy = {CYTOSCAPE}; const box = cy.container()"
                ".getBoundingClientRect(); return {"
                " nodes: cy.nodes(':visible').map(node => node.id()),"
                " edges: cy.edges(':visible').length,"
                " inside: cy.nodes(':visible').filter(node => {"
                "   const p = node.renderedPosition();"
                "   return p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height;"
                " }).length }; })()"
            )
            selection = browser.evaluate(f"{inputs}.map(i => i.value)")
            shot = browser.screenshot(tmp_path / "lineage.png")
        print(f"lineage screenshot: {shot}")
        visible = set(graph["nodes"])
        assert MART in visible
        assert expected_upstream <= visible, sorted(expected_upstream - visible)
        assert exposures <= visible
        assert graph["inside"] == len(visible)  # laid out on screen, not off-canvas
        assert graph["edges"] >= len(expected_upstream)
        assert "+rpt_validation_scorecard+" in selection, selection
        assert shot.stat().st_size > 50_000  # a drawn graph, not a blank page
    finally:
        assert servers.stop("docs", state)
    assert servers.running("docs", state) is None
    # The kernel may take a moment to tear the listening socket down after the exit.
    deadline = time.monotonic() + 10
    while listening_addresses(server.port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert listening_addresses(server.port) == set()
