"""The web dashboard: initial bundle size, time to an interactive project canvas, and the
time from a mutation to the changed state in the DOM.

Run as `python -m bench.ui` (PostgreSQL on :5432, Redis on :6379, the bundle built in
interfaces/web/dist, Debian's Chromium at /usr/bin/chromium). A `containr serve` process on
PostgreSQL and Redis (process managers off); Chromium headless through Playwright.

- Size: gzip of the JavaScript and CSS that index.html loads (lazy chunks excluded); the
  ratio is to the 300 KB budget.
- Canvas interactive: from navigation to the service card being visible and clickable;
  baseline: navigation to a bare page of the same server (/healthz).
- Update: 50 `scaleService` mutations sent from this process; a MutationObserver in the
  page stamps the moment the card shows the new replica count. Latency is from sending the
  mutation (its commit happens in between) to that stamp, both on the epoch clock of this
  machine. Baseline: the mutation's own HTTP round trip (which returns once the read model
  shows it).
- Deployment rows (issue 12): the service panel's Deployments tab open, 20 redeploys
  (`deployService`) sent from this process; the page stamps the moment the new release's row
  is in the list (from the `serviceDeployments` subscription only: the page sends nothing).
  Each release is then cancelled and the moment its row says "cancelled" is stamped too (an
  existing row changing state, as a superseded or rolled-back release does). Same clocks and
  baseline as the update.
"""

from __future__ import annotations

import gzip
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from bench.common import bench_line, scratch_postgres
from interfaces.http.web import DIST

REDIS_URL = os.environ.get("CONTAINR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = "/usr/bin/chromium"
UPDATES = int(os.environ.get("BENCH_UPDATES", "50"))
REDEPLOYS = int(os.environ.get("BENCH_REDEPLOYS", "20"))
PASSWORD = "bench password 1"
BUDGET_BYTES = 300 * 1024
ROOT = Path(__file__).resolve().parents[1]
WATCH = """(want) => { window.__containrStamp = new Promise((resolve, reject) => {
  const shows = () => {
    const el = document.querySelector(
      '[data-testid="service-card-web"] [data-testid="service-replicas"]');
    return el !== null && el.textContent.trim() === want;
  };
  const done = () => resolve(performance.timeOrigin + performance.now());
  if (shows()) return done();
  const observer = new MutationObserver(() => {
    if (shows()) { observer.disconnect(); done(); }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  setTimeout(() => { observer.disconnect(); reject(new Error('no update within 20 s')); }, 20000);
}); }"""


ROW_WATCH = """(want) => { window.__containrRowStamp = new Promise((resolve, reject) => {
  const shows = () => want.id
    ? document.querySelector(
        `[data-testid="deployment-row"][data-deployment-id="${want.id}"][data-state="${want.state}"]`
      ) !== null
    : document.querySelectorAll('[data-testid="deployment-row"]').length >= want.rows;
  const done = () => resolve(performance.timeOrigin + performance.now());
  if (shows()) return done();
  const observer = new MutationObserver(() => {
    if (shows()) { observer.disconnect(); done(); }
  });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true,
    attributeFilter: ['data-state', 'data-deployment-id']});
  setTimeout(() => { observer.disconnect(); reject(new Error('no row within 20 s')); }, 20000);
}); }"""


def initial_bundle_bytes() -> tuple[int, list[str]]:
    """Gzipped bytes of the scripts and stylesheets index.html loads up front."""
    index = (DIST / "index.html").read_text()
    files = re.findall(r'(?:src|href)="/?(assets/[^"]+\.(?:js|css))"', index)
    total = sum(len(gzip.compress((DIST / name).read_bytes(), 9)) for name in files)
    return total, files


def graphql(client: httpx.Client, query: str, **variables: object) -> dict[str, object]:
    body = client.post("/graphql", json={"query": query, "variables": variables}).json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    data: dict[str, object] = body["data"]
    return data


def main() -> None:
    if not (DIST / "index.html").is_file():
        sys.exit("build the dashboard first: cd interfaces/web && npm ci && npm run build")
    size, files = initial_bundle_bytes()
    print(f"initial bundle: {', '.join(files)}: {size / 1024:.1f} KiB gzip")

    with scratch_postgres() as settings:
        port = 18_000 + int(uuid.uuid4().int % 1000)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONTAINR_")}
        assert settings.database_url is not None
        env.update(
            CONTAINR_DATABASE_URL=settings.database_url,
            CONTAINR_DATABASE_SCHEMA=settings.database_schema,
            CONTAINR_SECRET_KEY=settings.secret_key.reveal() if settings.secret_key else "",
            CONTAINR_REDIS_URL=REDIS_URL,
            CONTAINR_DATA_DIR=settings.data_dir,
            CONTAINR_LOG_LEVEL="WARNING",
            CONTAINR_PROCESSES="off",
        )
        server = subprocess.Popen(
            [sys.executable, "-m", "interfaces", "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    sys.exit("the server did not start")
                time.sleep(0.2)
            run(base, size)
        finally:
            server.terminate()
            server.wait(timeout=20)


def run(base: str, size: int) -> None:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a dev dependency

    api = httpx.Client(base_url=base, timeout=30)
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    signed = graphql(
        api,
        'mutation($e: String!, $p: String!) { signUp(email: $e, password: $p, name: "B") '
        "{ accessToken organizationId } }",
        e=email,
        p=PASSWORD,
    )["signUp"]
    assert isinstance(signed, dict)
    api.headers["Authorization"] = f"Bearer {signed['accessToken']}"
    project = graphql(
        api,
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") '
        "{ id environments { id } } }",
        o=signed["organizationId"],
    )["createProject"]
    assert isinstance(project, dict)
    environment = project["environments"][0]["id"]
    service = graphql(
        api,
        'mutation($p: ID!) { createService(projectId: $p, name: "web", kind: "worker", '
        'settings: {image: "busybox:1"}) { id } }',
        p=project["id"],
    )["createService"]
    assert isinstance(service, dict)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context()
        page = context.new_page()
        # The session lives in an HttpOnly cookie: log in through the form.
        page.goto(f"{base}/login")
        page.get_by_test_id("login-email").fill(email)
        page.get_by_test_id("login-password").fill(PASSWORD)
        page.get_by_test_id("login-submit").click()
        page.get_by_test_id("app-shell").wait_for()

        bare, canvas = [], []
        for _ in range(5):
            started = time.perf_counter()
            page.goto(f"{base}/healthz", wait_until="load")
            bare.append(time.perf_counter() - started)
            started = time.perf_counter()
            page.goto(f"{base}/projects/{project['id']}", wait_until="commit")
            card = page.get_by_test_id("service-card-web")
            card.wait_for(state="visible", timeout=30_000)
            card.click(trial=True)  # actionable: visible, stable, enabled, receives events
            canvas.append(time.perf_counter() - started)
        canvas_s, bare_s = statistics.median(canvas), statistics.median(bare)
        print(
            f"canvas interactive: median {canvas_s * 1000:.0f} ms (bare page {bare_s * 1000:.0f} ms)"
        )

        page.get_by_test_id("service-card-web").get_by_test_id("service-replicas").wait_for()
        time.sleep(1.0)  # let the live subscriptions settle
        latencies, round_trips = [], []
        for n in range(2, UPDATES + 2):
            page.evaluate(WATCH, str(n))  # starts watching; does not wait
            sent = time.time() * 1000
            started = time.perf_counter()
            graphql(
                api,
                "mutation($s: ID!, $r: Int!) { scaleService(id: $s, replicas: $r) { id } }",
                s=service["id"],
                r=n,
            )
            round_trips.append((time.perf_counter() - started) * 1000)
            shown = float(page.evaluate("() => window.__containrStamp"))
            latencies.append(shown - sent)

        rows, states, row_trips = deployment_rows(
            page,
            api,
            f"{base}/projects/{project['id']}/services/{service['id']}/deployments"
            f"?env={environment}",
            service["id"],
            environment,
        )
        browser.close()

    p50 = statistics.median(latencies)
    trip = statistics.median(round_trips)
    p90 = sorted(latencies)[int(0.9 * (len(latencies) - 1))]
    print(f"update: p50 {p50:.1f} ms, p90 {p90:.1f} ms over {len(latencies)} changes")
    print(f"mutation round trip (baseline): p50 {trip:.1f} ms")
    print(
        bench_line(
            "ui_initial_bundle", size / 1024, "KiB", BUDGET_BYTES / 1024, "budget_300KiB_gzip"
        )
    )
    print(
        bench_line(
            "ui_canvas_interactive", canvas_s * 1000, "ms", bare_s * 1000, "bare_page_navigation"
        )
    )
    print(bench_line("ui_update_p50", p50, "ms", trip, "mutation_http_round_trip"))
    row_trip = statistics.median(row_trips)
    print(
        f"deployment rows: new row p50 {statistics.median(rows):.1f} ms, state change p50 "
        f"{statistics.median(states):.1f} ms over {len(rows)} redeploys "
        f"(mutation round trip p50 {row_trip:.1f} ms)"
    )
    print(
        bench_line(
            "deployments_row_live_ms",
            statistics.median(rows),
            "ms",
            row_trip,
            "mutation_http_round_trip",
        )
    )
    print(
        bench_line(
            "deployments_row_state_ms",
            statistics.median(states),
            "ms",
            row_trip,
            "mutation_http_round_trip",
        )
    )


def deployment_rows(
    page: object, api: httpx.Client, url: str, service: str, environment: str
) -> tuple[list[float], list[float], list[float]]:
    """Redeploy and cancel REDEPLOYS times; how long each new row, and each row's change to
    "cancelled", took to show (ms from sending the mutation), and the mutations' round trips."""
    from playwright.sync_api import Page  # noqa: PLC0415 - a dev dependency

    assert isinstance(page, Page)
    page.goto(url)
    page.get_by_test_id("deploy-button").wait_for()
    page.get_by_test_id("deployment-list").or_(page.get_by_test_id("empty-state")).wait_for()
    rows, states, trips = [], [], []
    for n in range(1, REDEPLOYS + 1):
        page.evaluate(ROW_WATCH, {"rows": n})
        sent = time.time() * 1000
        started = time.perf_counter()
        deployment = graphql(
            api,
            "mutation($s: ID!, $e: ID!) { deployService(serviceId: $s, environmentId: $e) { id } }",
            s=service,
            e=environment,
        )["deployService"]
        trips.append((time.perf_counter() - started) * 1000)
        rows.append(float(page.evaluate("() => window.__containrRowStamp")) - sent)
        assert isinstance(deployment, dict)
        page.evaluate(ROW_WATCH, {"id": deployment["id"], "state": "cancelled"})
        sent = time.time() * 1000
        started = time.perf_counter()
        graphql(api, "mutation($d: ID!) { cancelDeployment(id: $d) { id } }", d=deployment["id"])
        trips.append((time.perf_counter() - started) * 1000)
        states.append(float(page.evaluate("() => window.__containrRowStamp")) - sent)
    return rows, states, trips


if __name__ == "__main__":
    main()
