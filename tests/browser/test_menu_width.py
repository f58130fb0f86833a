"""The header menu fits one line on a 1366 px wide screen, in Chinese and in English, beside the global search
box, for the office, the admin (one more item) and an inspector (the longest role label) (issue 18 #11)."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

MEASURE = """() => {
  const nav = document.querySelector('.mainnav');
  const links = [...nav.querySelectorAll(':scope > a, :scope > details > summary')];
  const line = Math.max(...links.map(a => a.getBoundingClientRect().height));
  const tops = new Set(links.map(a => Math.round(a.getBoundingClientRect().top)));
  const brand = document.querySelector('.brand').getBoundingClientRect();
  const box = nav.getBoundingClientRect();
  return {links: links.length, line, rows: tops.size, height: box.height,
          besideBrand: box.top < brand.bottom && box.left >= brand.right,
          overflow: document.documentElement.scrollWidth > window.innerWidth};
}"""


@pytest.mark.parametrize("who", ["office", "admin", "inspector_a"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_menu_is_one_line_at_1366_px(browser_page, log_in, live_server, request, who, language):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, request.getfixturevalue(who))
    if page.locator(f"button[name=language][value='{language}']").count():
        page.locator(f"button[name=language][value='{language}']").click()
        page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == language
    menu = page.evaluate(MEASURE)
    search = page.locator(".global-search input").bounding_box()
    assert search and search["x"] + search["width"] <= 1366, search
    assert menu["links"] >= 10, menu
    assert menu["rows"] == 1 and menu["height"] <= menu["line"] + 1, menu
    assert menu["besideBrand"] and not menu["overflow"], menu
