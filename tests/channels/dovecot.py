"""A private Dovecot IMAP server for the tests: its own config, port and mail in a
temporary directory, started with `dovecot -F` and stopped afterwards.

Dovecot comes from the system packages (`.ci/run` installs dovecot-imapd). Where it is
missing the IMAP tests fail with a clear message under CI (CI=true) and are skipped,
saying why, anywhere else.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PASSWORD = "imap-test-pw"


@dataclass(frozen=True)
class Dovecot:
    port: int
    root: Path

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def dovecot_binary() -> str:
    found = shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if os.path.exists(p)), None)
    if found is None:
        reason = ("dovecot is not installed: the IMAP tests need a real IMAP server "
                  "(apt-get install dovecot-imapd; .ci/run does this)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _mail_owner() -> tuple[str, int, int]:
    """Dovecot never stores mail as root: as root, mail belongs to the dovecot user."""
    entry = pwd.getpwuid(os.getuid()) if os.getuid() != 0 else pwd.getpwnam("dovecot")
    return entry.pw_name, entry.pw_uid, entry.pw_gid


def _config(root: Path, port: int) -> str:
    _user, uid, gid = _mail_owner()
    me = pwd.getpwuid(os.getuid()).pw_name
    internal = "dovecot" if os.getuid() == 0 else me
    login = "dovenull" if os.getuid() == 0 else me
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {login}
first_valid_uid = {min(uid, 100)}
first_valid_gid = {min(gid, 100)}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service pop3-login {{
  chroot =
}}
"""


def _wait_for(port: int, process: subprocess.Popen[bytes], root: Path) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError("dovecot exited at start:\n" + (root / "dovecot.log").read_text(
                errors="replace") if (root / "dovecot.log").exists() else "dovecot exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                if conn.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("dovecot did not answer on its port")


@contextmanager
def running_dovecot(root: Path) -> Iterator[Dovecot]:
    binary = dovecot_binary()
    port = _free_port()
    _, uid, gid = _mail_owner()
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for sub in ("mail", "home"):
        os.chown(root / sub, uid, gid)
    root.chmod(0o755)
    config = root / "dovecot.conf"
    config.write_text(_config(root, port))
    process = subprocess.Popen([binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    try:
        _wait_for(port, process, root)
        yield Dovecot(port=port, root=root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
