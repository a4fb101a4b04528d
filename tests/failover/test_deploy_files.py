"""The deployment files (deploy/) render completely and pass their tools' own checks.

No database and no root needed: this runs in both passes of the suite. The
failover test (test_failover.py) then runs the same rendered files.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.failover import deployment
from tests.failover.conftest import require

render = deployment.renderer()


def _values(tmp_path) -> dict[str, str]:
    values = render.read_values(deployment.DEPLOY / "values.example")
    cert, key = deployment.self_signed_certificate(tmp_path, "127.0.0.1")
    (tmp_path / "logs").mkdir()
    values.update(SIPAS_BIN=str(deployment.SIPAS_BIN), ETC_DIR=str(tmp_path / "etc"), TLS_CERT=str(cert),
                  TLS_KEY=str(key), LOG_DIR=str(tmp_path / "logs"), HTTP_LISTEN=f"127.0.0.1:{deployment.free_port()}",
                  HTTPS_LISTEN=f"127.0.0.1:{deployment.free_port()}")
    return values


def test_every_placeholder_has_a_value_and_every_value_a_use(tmp_path):
    values = render.read_values(deployment.DEPLOY / "values.example")
    written = render.render(values, tmp_path)
    assert {p.relative_to(tmp_path) for p in written} == set(render.templates())
    for path in written:
        assert not render.PLACEHOLDER.search(path.read_text()), path
    with pytest.raises(render.RenderError, match="APP_HOST_2"):
        render.render({k: v for k, v in values.items() if k != "APP_HOST_2"}, tmp_path / "missing")
    with pytest.raises(render.RenderError, match="APP_HOST_3"):
        render.render({**values, "APP_HOST_3": "10.0.0.13:8000"}, tmp_path / "unused")
    assert render.main([str(deployment.DEPLOY / "values.example"), str(tmp_path / "cli")]) == 0


def test_systemd_units_verify(tmp_path):
    require(bool(shutil.which("systemd-analyze")), "systemd-analyze is missing (Debian package systemd)")
    out = tmp_path / "rendered"
    render.render(_values(tmp_path), out)
    (tmp_path / "etc").mkdir()
    shutil.copy(out / "sipas.env", tmp_path / "etc" / "env")
    units = sorted(str(p) for p in (out / "systemd").iterdir())
    done = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True)
    # verify exits 0 on some mistakes (an unknown key, a bad value) and only says so.
    problems = [line for line in (done.stdout + done.stderr).splitlines() if "sipas" in line]
    assert done.returncode == 0 and problems == [], done.stdout + done.stderr


def test_nginx_site_is_valid(tmp_path):
    require(bool(shutil.which("nginx")), "nginx is missing (Debian package nginx)")
    out = tmp_path / "rendered"
    render.render(_values(tmp_path), out)
    conf = deployment.nginx_main_conf(tmp_path, out / "nginx" / "sipas.conf")
    done = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert done.returncode == 0 and "[warn]" not in done.stderr, done.stderr


def test_units_run_what_systemd_would(tmp_path):
    """The test launcher's reading of the units: ${NAME} from the environment file, $$ and %%."""
    out = tmp_path / "rendered"
    values = _values(tmp_path)
    render.render(values, out)
    (tmp_path / "etc").mkdir()
    shutil.copy(out / "sipas.env", tmp_path / "etc" / "env")
    serve = deployment.Unit(out / "systemd" / "sipas.service", tmp_path / "state")
    (argv,) = serve.commands["ExecStart"]
    assert argv == [str(deployment.SIPAS_BIN), "serve", "--host", values["APP_LISTEN"], "--port",
                    values["APP_PORT"], "--workers", values["APP_WORKERS"], "--threads", "4"]
    assert serve.env["SIPAS_PROXY_COUNT"] == "1" and serve.env["SIPAS_ROLLUP_EVERY_MINUTES"] == "0"
    assert serve.env["XDG_RUNTIME_DIR"] == str(tmp_path / "state" / "t" / "sipas")
    backup = deployment.Unit(out / "systemd" / "sipas-backup.service", tmp_path / "state")
    (script,) = backup.commands["ExecStart"]
    assert script[:2] == ["/bin/sh", "-c"] and "$(date -u +%Y%m%dT%H%M%SZ).dump" in script[2]
