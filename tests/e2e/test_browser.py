"""The web app in Debian's Chromium against the real server on the embedded default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from tests.e2e.conftest import register, shot

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "scripts" / "two-hosts-en.md"

pytestmark = pytest.mark.slow
def test_register_upload_render_play_and_download(page: Page, errors: list[str],
                                                  tmp_path: Path) -> None:
    register(page)
    page.get_by_test_id("nav-scripts").click()
    page.get_by_test_id("script-upload").first.set_input_files(str(SAMPLE))
    expect(page).to_have_url(re.compile(r"/scripts/[0-9a-f-]{36}$"))
    expect(page.get_by_test_id("script-editor")).to_have_value(re.compile("Alice"))
    shot(page, "script-editor")
    page.get_by_test_id("render-button").first.click()
    expect(page).to_have_url(re.compile(r"/render$"))
    for speaker in ("Alice", "Bob"):
        expect(page.get_by_test_id(f"voice-select-{speaker}")).to_be_visible()
    expect(page.get_by_test_id("render-estimate")).to_contain_text("9")
    shot(page, "render")
    page.get_by_test_id("render-submit").click()
    expect(page).to_have_url(re.compile(r"/tasks/[0-9a-f-]{36}$"))
    progress = page.get_by_test_id("task-progress")
    expect(progress).to_have_attribute("aria-valuenow", "100", timeout=60_000)
    expect(page.get_by_test_id("task-status")).to_contain_text(re.compile("complete", re.I))
    audio = page.get_by_test_id("task-audio")
    expect(audio).to_have_attribute("src", re.compile(r"/api/audio/.+/download\?token="))
    played = audio.evaluate("""async (element) => {
        element.muted = true;
        await element.play();
        await new Promise((resolve) => setTimeout(resolve, 600));
        return {time: element.currentTime, duration: element.duration};
    }""")
    assert played["time"] > 0 and played["duration"] > 40
    cues = page.get_by_test_id("transcript-cue")
    expect(cues).to_have_count(8)
    expect(page.get_by_test_id("chapter")).to_have_count(2)
    cues.nth(4).click()
    position = audio.evaluate("(element) => element.currentTime")
    assert position > 10  # the fifth turn starts well into the episode
    shot(page, "task-completed")
    for fmt, minimum in (("wav", 1_000_000), ("mp3", 100_000)):
        with page.expect_download() as pending:
            page.get_by_test_id(f"download-{fmt}").click()
        saved = tmp_path / pending.value.suggested_filename
        pending.value.save_as(saved)
        assert saved.suffix == f".{fmt}" and saved.stat().st_size > minimum
    expect(page.get_by_test_id("header-balance")).to_contain_text("91")
    assert errors == []


ROUTES = ["/", "/status", "/voices", "/scripts", "/scripts/new", "/tasks", "/credits",
          "/no/such/page"]


def test_every_route_loads_without_console_errors_in_both_languages(page: Page,
                                                                   errors: list[str]) -> None:
    page.goto("/")
    shot(page, "home")
    page.goto("/login")
    shot(page, "login")
    register(page)
    for language in ("en", "zh-cn"):
        page.get_by_test_id(f"lang-{language}").click()
        for route in ROUTES:
            page.goto(route)
            page.wait_for_load_state("networkidle")
            expect(page.locator("main")).to_be_visible()
            name = route.strip("/").replace("/", "-") or "home"
            shot(page, f"{language}-{name}")
    assert errors == []


def test_the_studio_is_usable_at_phone_width(browser: Browser, server: str) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 375, "height": 812},
                                  is_mobile=True)
    page = context.new_page()
    register(page)
    page.goto("/scripts/new")
    editor = page.get_by_test_id("script-editor")
    editor.fill("**Alice:** Hi.\n**Bob:**\n")
    expect(page.get_by_test_id("script-problems")).to_contain_text("2")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1
    shot(page, "phone-editor")
    context.close()


def test_html_in_a_script_is_shown_as_text_never_run(page: Page, errors: list[str]) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    register(page)
    page.goto("/scripts/new")
    page.get_by_test_id("script-title").fill("<img src=x onerror=alert('title')>")
    page.get_by_test_id("script-editor").fill(
        "**Alice:** <img src=x onerror=alert('turn')> <script>alert('script')</script>\n"
        "**Bob:** fine\n")
    expect(page.get_by_test_id("script-preview")).to_contain_text("<script>alert('script')")
    page.get_by_test_id("script-save").click()
    expect(page).to_have_url(re.compile(r"/scripts/[0-9a-f-]{36}$"))
    page.get_by_test_id("nav-scripts").click()
    expect(page.get_by_text("<img src=x onerror=alert('title')>")).to_be_visible()
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == [] and errors == []
