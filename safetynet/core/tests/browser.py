"""Helpers for the Playwright tests: Debian's chromium (never a downloaded browser), signing
in through the real login and second-factor pages, full-page screenshots, layout checks."""

from __future__ import annotations

import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def shot(page, name: str) -> Path:
    """Full-page screenshot under test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def totp_code(username: str) -> str:
    """The current code of the user's confirmed TOTP device, as an authenticator app shows it.

    django-otp refuses a code whose time step was already used; if this user signed in less
    than one step ago, wait for the next step rather than sending a code that must fail.
    """
    from django_otp.oath import TOTP

    from safetynet.accounts.models import User
    from safetynet.accounts.totp import confirmed_device, current_code

    device = confirmed_device(User.objects.get(username=username))
    assert device is not None, f"{username} has no confirmed TOTP device"
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    while totp.t() <= device.last_t:
        time.sleep(0.5)
    return current_code(device)


def submit_login(page, base: str, username: str, next_path: str = "") -> None:
    from safetynet.core.demo import DEMO_PASSWORD

    page.goto(f"{base}/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def submit_code(page, username: str) -> None:
    page.fill("#id_token", totp_code(username))
    with page.expect_navigation():
        page.click("main button[type=submit]")


def sign_in(page, base: str, username: str, next_path: str = "") -> None:
    """Password, then (if the app asks) the authenticator code; ends signed in."""
    submit_login(page, base, username, next_path)
    if "/accounts/verify/" in page.url:
        submit_code(page, username)
    assert "/accounts/" not in page.url, f"{username} is still on {page.url}"


def horizontal_overflow(page) -> tuple[int, int]:
    """(scrollWidth, innerWidth) of the page."""
    return tuple(page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))


def overflowing_elements(page) -> list[str]:
    """Elements whose right edge is beyond the viewport: what to fix when the page scrolls sideways."""
    return page.evaluate("""() => {
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > window.innerWidth + 1 && r.width > 0) {
                const cls = typeof el.className === 'string' && el.className
                    ? '.' + el.className.split(' ').join('.') : '';
                out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls + ' right=' + Math.round(r.right));
            }
        }
        return out.slice(0, 15);
    }""")


def focused(page) -> str:
    """A short description of document.activeElement: tag, id, type."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el) return '';
        return [el.tagName.toLowerCase(), el.id || '', el.getAttribute('type') || '',
                (el.textContent || '').trim().slice(0, 30)].join('|');
    }""")
