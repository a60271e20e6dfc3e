"""The staff console under test: its bundle built by the project's own script (npm ci and a build only
when their inputs changed) and a gateway (Debian's nginx, deploy/local/gateway.sh) on a free port in
front of a test platform's services, exactly as `make up` puts one in front of the local platform."""
from __future__ import annotations

import os
import socket
import struct
import subprocess
import zlib
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Locator, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from zhengdun_demo.client import auth

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "services" / "console"
CHROMIUM = "/usr/bin/chromium"     # Debian's: Playwright's own download is not reachable here


def ensure_console_built() -> Path:
    subprocess.run(["bash", str(ROOT / "deploy/local/console.sh"), "build"], check=True)
    return CONSOLE / "dist"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gateway(platform) -> Iterator[str]:
    """A gateway serving the built console and routing /api/<service>/ to ``platform``'s services."""
    ensure_console_built()
    port = _free_port()
    env = dict(os.environ, ZD_GATEWAY_DIR=str(platform.log_dir / "gateway"), ZD_GATEWAY_PORT=str(port))
    env.update({f"ZD_UPSTREAM_{name.upper()}": f"127.0.0.1:{platform.ports[name]}" for name in platform.services})
    script = str(ROOT / "deploy/local/gateway.sh")
    subprocess.run(["bash", script, "start"], check=True, env=env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run(["bash", script, "stop"], check=False, env=env)


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage", "--disable-gpu",
            "--no-first-run", "--disable-default-apps", "--disable-sync"])
        try:
            yield browser
        finally:
            browser.close()


# The helpers below take the browser tests' ``site``: {"platform", "url", "browser", "shots", ...}.

def set_clock(site, day) -> None:
    """Move the platform clock (demo API) from a browser test: Playwright's sync API holds this thread's
    event loop, and the clock's wait for the services runs one of its own, so it runs in a thread of its own.
    ``day``: a date or its ISO text."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(site["api"].set_clock, str(day)).result()


def png(width: int = 64, height: int = 48) -> bytes:
    """A real PNG (a red square) to upload as evidence."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\xc6\x28\x28" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def api_get(site, user: str, service: str, path: str, **params) -> dict:
    response = httpx.get(site["platform"].url(service) + path, params=params, headers=auth(user), timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def login(site, user: str, path: str = "/") -> Page:
    """Through Keycloak's own login page, as a person would. ``site["on_context"]``, when set, prepares each
    new browser context first (e.g. counts the person's clicks)."""
    context = site["browser"].new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN", accept_downloads=True)
    if site.get("on_context"):
        site["on_context"](context)
    context.set_default_timeout(60_000)
    context.set_default_navigation_timeout(120_000)
    page = context.new_page()
    page.goto(site["url"] + path)
    page.wait_for_selector("#username", timeout=60_000)
    assert "登录" in page.content()            # the realm's login page, in Chinese
    shot(site, page, f"login-{user}")
    page.fill("#username", user)
    page.fill("#password", "demo")
    page.click("#kc-login")
    page.wait_for_url(lambda u: u.startswith(site["url"]) and "/callback" not in u, timeout=60_000)
    return page


def shot(site, page: Page, name: str) -> None:
    """A full-page screenshot once the page's requests are done (or after 30 s: it is evidence, not a check)."""
    try:
        page.wait_for_load_state("networkidle", timeout=30_000)
    except PlaywrightTimeout:
        pass
    page.screenshot(path=str(site["shots"] / f"{name}.png"), full_page=True)


def option_of(select: Locator, text: str) -> Locator:
    """An option of this select's own dropdown, not the first visible one: another select's dropdown may still
    be closing (seen under load), and its options may match the same text."""
    listbox = select.locator("input[role=combobox]").first.get_attribute("aria-controls")
    return select.page.locator(f"[id='{listbox}'] .el-select-dropdown__item").filter(has_text=text).first
