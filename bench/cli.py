"""`containr deploy` of a small app directory, beside the same deployment through the API.

Run as `python -m bench.cli` (Docker at the local socket, `caddy` on PATH). A `containr serve`
of its own (embedded store, its own Caddy) deploys a busybox httpd app built FROM the local
busybox image, with an HTTP health check every 0.1 s. Each round changes the page (so both
paths build a new image) and times, from the start until the release is healthy:
- api_deploy (baseline): in this process, pack the directory, POST it to /uploads, send
  deployService(sourceArchive:) over HTTP and wait for `healthy` on the deploymentUpdated
  subscription;
- cli_deploy: `containr deploy` as a user runs it (a new process: start-up, the same pack,
  upload and mutation, the build log live over the subscriptions, exit at healthy).
A warm-up deployment of each kind comes first. Medians of BENCH_ROUNDS rounds (default 3).
The CLI runs as installed: with its bytecode cached (pip compiles on install), here in a
cache directory of the benchmark's own that the warm-up fills, even where the environment
says PYTHONDONTWRITEBYTECODE (compiling every module at each start would be timed instead).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import suppress
from pathlib import Path

import docker
import docker.errors
import httpx

from application.settings import Settings
from bench.common import bench_line
from interfaces.cli.api import Api, Subscription
from interfaces.cli.pack import pack
from tests.contract.docker_images import BASE_IMAGE, ensure_busybox_image

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ROOT = Path(__file__).resolve().parents[1]
# The app stops at SIGTERM, as a well-behaved app does: retiring a release that ignores it
# takes the engine's stop timeout, and back-to-back rounds would queue behind that.
DOCKERFILE = (
    f"FROM {BASE_IMAGE}\nCOPY www /www\n"
    'CMD ["sh", "-c", "trap \'exit 0\' TERM; httpd -f -p 8080 -h /www & wait"]\n'
)
DEPLOY = (
    "mutation($s: ID!, $e: ID!, $a: ID) { deployService(serviceId: $s, environmentId: $e, "
    "sourceArchive: $a) { id state } }"
)
UPDATED = (
    "subscription($d: ID!) { deploymentUpdated(deploymentId: $d) { id state reason position } }"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Installation:
    """A `containr serve` of the benchmark's own, with an owner, a project and a service."""

    def __init__(self, where: Path) -> None:
        self.settings = Settings(data_dir=str(where / "data"))
        self.pycache = where / "pycache"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (where / "server.log").open("w")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONTAINR_")}
        env.update(
            CONTAINR_DATA_DIR=self.settings.data_dir,
            CONTAINR_SIGNUP="open",
            CONTAINR_LOG_LEVEL="WARNING",
            CONTAINR_INGRESS_LISTEN=f"127.0.0.1:{free_port()}",
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "interfaces", "serve", "--port", str(self.port)],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while True:
            with suppress(httpx.HTTPError):
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"the server did not start: see {self.log.name}")
            time.sleep(0.2)
        anonymous = Api(self.url, None)
        self.token = anonymous(
            'mutation { signUp(email: "bench@example.com", name: "Bench", '
            'password: "correct horse battery") { accessToken } }'
        )["signUp"]["accessToken"]
        anonymous.close()
        self.api = Api(self.url, self.token)
        self.organization = self.api("{ viewer { organizations { id } } }")["viewer"][
            "organizations"
        ][0]["id"]
        project = self.api(
            'mutation($o: ID!) { createProject(organizationId: $o, name: "Bench") '
            "{ id environments { id } } }",
            o=self.organization,
        )["createProject"]
        self.project = project["id"]
        self.environment = project["environments"][0]["id"]
        self.service = self.api(
            'mutation($p: ID!) { createService(projectId: $p, name: "web", kind: "web", '
            'settings: {port: 8080, healthCheck: {kind: "http", path: "/healthz", '
            "intervalSeconds: 0.1, retries: 100}}) { id } }",
            p=self.project,
        )["createService"]["id"]

    def deploy_over_the_api(self, app: Path) -> float:
        """Seconds from packing to healthy, through the API from this process."""
        started = time.perf_counter()
        packed = pack(app)
        try:
            archive = self.api.upload(self.organization, packed.path)
        finally:
            packed.path.unlink(missing_ok=True)
        deployment = self.api(DEPLOY, s=self.service, e=self.environment, a=archive["id"])[
            "deployService"
        ]
        subscription = Subscription(UPDATED, {"d": deployment["id"]})
        for _, data in self.api.subscribe({"state": subscription}):
            state = data["deploymentUpdated"]
            if state["state"] == "healthy":
                return time.perf_counter() - started
            if state["state"] not in ("queued", "building", "built", "starting"):
                raise SystemExit(f"the API deployment ended {state['state']}: {state['reason']}")
        raise SystemExit("the subscription ended early")

    def cli_env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("CONTAINR_") and k != "PYTHONDONTWRITEBYTECODE"
        }
        return env | {
            "CONTAINR_URL": self.url,
            "CONTAINR_TOKEN": self.token,
            "PYTHONPYCACHEPREFIX": str(self.pycache),
        }

    def deploy_with_the_cli(self, app: Path) -> float:
        """Seconds from running `containr deploy` until it exits at healthy."""
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "interfaces", "deploy"],
            cwd=app,
            env=self.cli_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"containr deploy failed:\n{done.stdout}\n{done.stderr}")
        return elapsed

    def stop(self) -> None:
        self.api.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        engine = docker.APIClient(base_url="unix:///var/run/docker.sock", version="auto")
        filters = {"label": [f"containr.instance={self.settings.instance}"]}
        for container in engine.containers(all=True, filters=filters):
            with suppress(docker.errors.APIError):
                engine.remove_container(container["Id"], force=True)
        for network in engine.networks(filters=filters):
            with suppress(docker.errors.APIError):
                engine.remove_network(network["Id"])
        engine.close()


def release(app: Path, text: str) -> None:
    (app / "www" / "index.html").write_text(text + "\n")


def main() -> None:
    engine = docker.APIClient(base_url="unix:///var/run/docker.sock", version="auto")
    ensure_busybox_image(engine)
    engine.close()
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        where = Path(tmp)
        app = where / "app"
        (app / "www").mkdir(parents=True)
        (app / "Dockerfile").write_text(DOCKERFILE)
        (app / "www" / "healthz").write_text("ok\n")
        installation = Installation(where)
        try:
            subprocess.run(
                [sys.executable, "-m", "interfaces", "link", "--service", "web"],
                cwd=app,
                env=installation.cli_env(),
                check=True,
                capture_output=True,
            )
            api: list[float] = []
            cli: list[float] = []
            for round_ in range(ROUNDS + 1):  # round 0 warms both paths up
                release(app, f"api {round_} {uuid.uuid4()}")
                api.append(installation.deploy_over_the_api(app))
                release(app, f"cli {round_} {uuid.uuid4()}")
                cli.append(installation.deploy_with_the_cli(app))
                print(f"round {round_}: api {api[-1]:.2f} s, cli {cli[-1]:.2f} s", flush=True)
        finally:
            installation.stop()
    api_median, cli_median = statistics.median(api[1:]), statistics.median(cli[1:])
    print(f"api_deploy median {api_median:.2f} s over {ROUNDS} rounds (after a warm-up)")
    print(bench_line("cli_deploy", cli_median, "s", api_median, "api_deploy"))


if __name__ == "__main__":
    main()
