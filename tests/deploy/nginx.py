"""Debian's nginx run as a plain process, with deploy/nginx/course.conf as operators get it.

The shipped file is read and only what an operator changes is replaced: the site's name, the
certificate's paths, the app processes, and the ports (80 and 443 become free high ports; the
IPv6 listens are dropped, a test machine may have no IPv6). Everything else is the file itself.
The process gets its own prefix, pid file, error log and temporary folders in a test folder,
and a self-signed certificate made with openssl.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from course.settings import REPO_ROOT

SHIPPED = REPO_ROOT / "deploy" / "nginx" / "course.conf"
SITE = "course.example.org"
CERTIFICATE = f"/etc/letsencrypt/live/{SITE}/fullchain.pem"
KEY = f"/etc/letsencrypt/live/{SITE}/privkey.pem"
UPSTREAM_LINE = re.compile(r"^ *server 127\.0\.0\.1:800[0-9];\n", re.MULTILINE)
HOST = "127.0.0.1"
# The site's name in the test. A name, not 127.0.0.1: clients send a name (SNI) in the TLS
# handshake, and the shipped default server refuses every handshake that names nothing else.
NAME = "localhost"


def nginx_binary() -> str | None:
    """Debian's nginx, which lives in /usr/sbin (not on every user's PATH)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


@dataclass(frozen=True)
class Proxy:
    """A running nginx: where to reach it, and the certificate to trust."""

    https: str
    http: str
    certificate: Path
    error_log: Path


def templated(
    shipped: str, *, https: int, http: int, upstreams: Sequence[int], folder: Path
) -> str:
    """The shipped configuration with this test's names, certificate, upstreams and ports."""
    replacements = {CERTIFICATE: str(folder / "cert.pem"), KEY: str(folder / "key.pem")}
    config = shipped
    for old, new in replacements.items():
        assert old in config, f"{SHIPPED} no longer names {old}"
        config = config.replace(old, new)
    assert config.count(f"server_name {SITE};") == 2, f"{SHIPPED}: two servers of the site"
    config = config.replace(SITE, NAME)
    assert len(UPSTREAM_LINE.findall(config)) == 2, f"{SHIPPED}: two example upstream lines"
    servers = "".join(f"    server {HOST}:{port};\n" for port in upstreams)
    config = UPSTREAM_LINE.sub("", config, count=1)
    config = UPSTREAM_LINE.sub(servers, config, count=1)
    config = re.sub(r"^ *listen \[::\]:.*\n", "", config, flags=re.MULTILINE)
    config, http_listens = re.subn(r"listen 80\b", f"listen {HOST}:{http}", config)
    config, https_listens = re.subn(r"listen 443\b", f"listen {HOST}:{https}", config)
    assert (http_listens, https_listens) == (2, 2), "the shipped listens changed"
    return config


def main_config(folder: Path, site: str) -> str:
    """The nginx.conf around the site, as Debian's sets the scene (mime types, TLS), with every
    path in the test folder."""
    temp = {name: folder / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    # As root, nginx's workers would run as nobody, who cannot enter pytest's 0700 folders.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
{site}
}}
"""


def self_signed_certificate(folder: Path) -> None:
    """cert.pem and key.pem for NAME (an EC key: quick to make)."""
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", f"/CN={NAME}", "-addext", f"subjectAltName=DNS:{NAME}",
            "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((HOST, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@contextmanager
def nginx_in_front(upstreams: Sequence[int], folder: Path) -> Iterator[Proxy]:
    """nginx with the shipped configuration, in front of the app on these ports."""
    binary = nginx_binary()
    assert binary, "nginx is not installed"
    folder.mkdir(parents=True, exist_ok=True)
    self_signed_certificate(folder)
    https, http = free_ports(2)
    site = templated(
        SHIPPED.read_text(), https=https, http=http, upstreams=upstreams, folder=folder
    )
    (folder / "nginx.conf").write_text(main_config(folder, site))
    command = [binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    with (folder / "nginx.out").open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(https, process, folder)
        yield Proxy(f"https://{NAME}:{https}", f"http://{NAME}:{http}", folder / "cert.pem",
                    folder / "error.log")  # fmt: skip
    finally:
        process.send_signal(signal.SIGTERM)  # nginx's fast stop: streams need not end first
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_port(port: int, process: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx stopped: {(folder / 'nginx.out').read_text()}")
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on {port} within 10 s")
