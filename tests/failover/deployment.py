"""Run the repository's deployment files (deploy/) the way systemd and nginx would.

The failover test renders deploy/ with its own addresses through
deploy/render.py, then starts what the units say: the EnvironmentFile, the
Environment= lines and the ExecStart command with systemd's `${NAME}`,
`$$` and `%%` expansion. It does not imitate the sandboxing directives
(User=, ProtectSystem=…): `systemd-analyze verify` checks those are valid.
The one addition is PYTHONPATH, so the units run this checkout's code.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SIPAS_BIN = Path(sys.executable).parent / "sipas"


def renderer():
    """Import deploy/render.py (a script beside the files, not a package)."""
    spec = importlib.util.spec_from_file_location("sipas_deploy_render", DEPLOY / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_env_file(path: Path) -> dict[str, str]:
    """Read a systemd EnvironmentFile: NAME=value lines, # comments, optional quotes."""
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        name, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        env[name.strip()] = value
    return env


def unit_service(path: Path) -> dict[str, list[str]]:
    """Return the [Service] section of a unit file: key -> every value given."""
    section, entries = "", {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]":
            key, _, value = line.partition("=")
            entries.setdefault(key.strip(), []).append(value.strip())
    return entries


_SPECIFIER = re.compile(r"%(.)")
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\$|\$([A-Za-z_][A-Za-z0-9_]*)")


def _specifiers(text: str, root: Path) -> str:
    def one(match: re.Match) -> str:
        if match.group(1) == "%":
            return "%"
        if match.group(1) in "Ct":  # cache and runtime roots: /var/cache, /run
            return str(root / match.group(1))
        raise ValueError(f"specifier %{match.group(1)} is not imitated by the test launcher")
    return _SPECIFIER.sub(one, text)


def _expand(word: str, env: dict[str, str]) -> str:
    def one(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        if match.group(2):
            raise ValueError(f"write ${{{match.group(2)}}}, not ${match.group(2)}: one word, as systemd splits $NAME")
        if match.group(1) not in env:
            raise KeyError(f"{match.group(1)} is not set by the unit's environment")
        return env[match.group(1)]
    return _VARIABLE.sub(one, word)


class Unit:
    """One service unit: its environment and commands, ready to run."""

    def __init__(self, path: Path, root: Path) -> None:
        """Read the unit; `root` stands for the machine's /var/cache (%C) and /run (%t)."""
        self.path = path
        service = unit_service(path)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        for name in service.get("EnvironmentFile", []):
            env.update(read_env_file(Path(_specifiers(name.lstrip("-"), root))))
        for assignments in service.get("Environment", []):
            for word in shlex.split(_specifiers(assignments, root)):
                key, _, value = word.partition("=")
                env[key] = value
        env["PYTHONPATH"] = str(ROOT)
        for kind, letter in (("CacheDirectory", "C"), ("RuntimeDirectory", "t")):
            for directory in service.get(kind, []):
                (root / letter / directory).mkdir(parents=True, exist_ok=True)
        self.env = env
        self.commands = {key: [self._argv(line, root) for line in service.get(key, [])]
                         for key in ("ExecStart", "ExecStartPost")}

    def _argv(self, line: str, root: Path) -> list[str]:
        return [_expand(word, self.env) for word in shlex.split(_specifiers(line.lstrip("-@+!"), root))]

    def start(self, log: Path, wrap=lambda argv: argv) -> subprocess.Popen:
        """Start ExecStart in a process group of its own (so one signal stops every worker)."""
        (argv,) = self.commands["ExecStart"]
        with log.open("ab") as out:
            return subprocess.Popen(wrap(argv), env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)

    def run_oneshot(self, wrap=lambda argv: argv, timeout: float = 120) -> str:
        """Run a Type=oneshot unit: every ExecStart, then every ExecStartPost; return the output."""
        output = []
        for argv in self.commands["ExecStart"] + self.commands["ExecStartPost"]:
            done = subprocess.run(wrap(argv), env=self.env, cwd=ROOT, capture_output=True, text=True,
                                  timeout=timeout)
            output.append(done.stdout + done.stderr)
            if done.returncode != 0:
                raise RuntimeError(f"{self.path.name}: {argv} exited {done.returncode}:\n{''.join(output)[-3000:]}")
        return "".join(output)


def stop_group(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    """Signal the process group of proc (started with start_new_session) and reap it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
    else:  # the leader is gone: its workers may still hold the group
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_for_port(host: str, port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{host}:{port} did not open within {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


def wait_until_refused(host: str, port: int, timeout: float = 30) -> None:
    """Return once nothing accepts connections on host:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
        except OSError:
            return
        time.sleep(0.01)
    raise RuntimeError(f"{host}:{port} still accepts connections after {timeout} s")


def self_signed_certificate(folder: Path, address: str) -> tuple[Path, Path]:
    """Write a throwaway certificate for `address` (openssl, as Debian ships it)."""
    cert, key = folder / "tls.crt", folder / "tls.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", f"/CN={address}", "-addext", f"subjectAltName=IP:{address}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def nginx_main_conf(folder: Path, site: Path) -> Path:
    """The main nginx.conf around the site, as Debian's /etc/nginx/nginx.conf includes sites-enabled/."""
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(f"""
daemon off;
user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx.error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    access_log off;
    include {site};
}}
""")
    return conf


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
