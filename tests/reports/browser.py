"""Headless Chromium for report tests, driven by Selenium through Debian's chromedriver.

Why Selenium: it is the well-kept WebDriver client, it drives the system's ``chromium`` through
the system's ``chromedriver`` (package ``chromium-driver``, same version) with nothing to
download (Playwright would fetch a browser build of its own, which this network does not
allow), and it reads the browser's console log, which is how script errors are caught.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

#: Where Debian installs them (``make system-packages`` does, as root).
BROWSERS = ("chromium", "chromium-browser")
DRIVERS = ("chromedriver",)
INSTALL_HINT = (
    "Install Debian's chromium and chromium-driver packages: `make system-packages` as root, "
    "or `sudo apt-get install chromium chromium-driver`."
)

#: Scrolls every picture into view, asks it to load now (it is lazy), and waits for them all;
#: returns [src, naturalWidth] per picture.
LOAD_ALL_IMAGES = """
const done = arguments[arguments.length - 1];
const images = Array.from(document.images);
for (const image of images) { image.loading = "eager"; image.scrollIntoView(); }
Promise.all(images.map((image) => image.complete ? null : new Promise((resolve) => {
  image.addEventListener("load", resolve, {once: true});
  image.addEventListener("error", resolve, {once: true});
}))).then(() => done(images.map((image) => [image.getAttribute("src"), image.naturalWidth])));
"""


def find_program(names: tuple[str, ...]) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError(f"None of {', '.join(names)} is installed. {INSTALL_HINT}")


@contextmanager
def headless_chromium(width: int = 1280, height: int = 900) -> Iterator[webdriver.Chrome]:
    """A headless Chromium that keeps its console log (script errors land there)."""
    options = webdriver.ChromeOptions()
    options.binary_location = find_program(BROWSERS)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # as root, Chromium's own sandbox cannot start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--allow-file-access-from-files",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(find_program(DRIVERS)))
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver: webdriver.Chrome, page: Path) -> dict[str, Any]:
    """Open ``page`` from disk, load every picture, and return what went wrong:
    ``broken`` (pictures with no pixels) and ``errors`` (SEVERE console entries)."""
    driver.get(page.resolve().as_uri())
    images = driver.execute_async_script(LOAD_ALL_IMAGES)
    driver.execute_script("window.scrollTo(0, 0)")
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return {
        "images": images,
        "broken": [src for src, width in images if not width],
        "errors": errors,
    }
