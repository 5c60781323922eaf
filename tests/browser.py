"""Helpers shared by the Playwright walks."""


def scroll_width(page) -> int:
    """The page's full width, measured once the page has loaded: measured while a
    click's navigation is still under way, ``document.documentElement`` is null."""
    page.wait_for_load_state()
    return page.evaluate("document.documentElement.scrollWidth")


def note_overflow(page, width: int, problems: list[str]) -> None:
    """Record a page that scrolls sideways on a ``width``-px screen."""
    scroll = scroll_width(page)
    if scroll > width:
        problems.append(f"{page.url}: {scroll} px on a {width}-px screen")
