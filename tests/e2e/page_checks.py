"""What every page must pass in the browser: axe-core's WCAG 2.1 A/AA rules without serious or
critical violations, touch targets of at least 44 × 44 px at phone width, and no sideways
scrolling on a 360 px screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from playwright.sync_api import Page

# Installed by `npm ci` from package-lock.json (`make test` runs it).
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# WCAG 2.5.5 target size; the stylesheet's --touch. Half a pixel allows for sub-pixel layout.
TOUCH_PX = 44
TOUCH_TOLERANCE_PX = 0.5

_AXE_RUN = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    targets: violation.nodes.map((node) => node.target.join(' ')),
    summaries: violation.nodes.map((node) => node.failureSummary || ''),
  }));
}
"""

# Links, buttons and form controls a finger has to hit, in the header and the main content.
# Visually hidden ones (the skip link until focused, legends' helpers) are not targets.
_SMALL_TARGETS = """
([minimum, tolerance]) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const small = [];
  for (const element of document.querySelectorAll(
      `header ${selector}, main ${selector}`)) {
    if (!element.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    const box = element.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || box.bottom <= 0) continue;
    const style = getComputedStyle(element);
    // An inline link in running text may rely on its line box for height (WCAG 2.5.5's
    // inline exception); its width is that of the words.
    const lineHeight = parseFloat(style.lineHeight) || 0;
    const inline = style.display === 'inline';
    const tallEnough = box.height + tolerance >= minimum
      || (inline && lineHeight + tolerance >= minimum);
    const wideEnough = box.width + tolerance >= minimum || inline;
    if (tallEnough && wideEnough) continue;
    const name = (element.innerText || element.value || element.getAttribute('aria-label')
      || element.name || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    const describe = (node) => node.tagName.toLowerCase() + (node.id ? `#${node.id}` : '')
      + (node.classList.length ? `.${[...node.classList].join('.')}` : '');
    const parent = element.parentElement ? `${describe(element.parentElement)} > ` : '';
    small.push(`${parent}${describe(element)} "${name}": `
      + `${box.width.toFixed(1)} × ${box.height.toFixed(1)} px (${style.display})`);
  }
  return small;
}
"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Runs axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    violations: list[dict[str, Any]] = page.evaluate(_AXE_RUN, WCAG_TAGS)
    return violations


def assert_accessible(page: Page) -> None:
    """No serious or critical axe violation; the message says what to fix and where."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    if not blocking:
        return
    lines = [f"{len(blocking)} serious/critical accessibility violation(s) on {page.url}:"]
    for violation in blocking:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for target, summary in zip(violation["targets"], violation["summaries"], strict=True):
            lines.append(f"    at {target}")
            for detail in summary.splitlines()[1:3]:
                lines.append(f"       {detail.strip()}")
    raise AssertionError("\n".join(lines))


def assert_touch_targets(page: Page) -> None:
    """Every visible link, button and control in the header and main content is at least
    44 × 44 px (inline links in text: a 44 px line box)."""
    small = page.evaluate(_SMALL_TARGETS, [TOUCH_PX, TOUCH_TOLERANCE_PX])
    assert not small, f"touch targets smaller than {TOUCH_PX} px on {page.url}:\n" + "\n".join(
        f"- {target}" for target in small
    )


def assert_no_horizontal_scroll(page: Page) -> None:
    """The page fits the viewport's width: nothing to scroll sideways."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
    if scroll_width <= width:
        return
    wide = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter((element) => element.getBoundingClientRect().right > width + 0.5)
            .slice(0, 8)
            .map((element) => `${element.tagName.toLowerCase()}`
              + (element.className && typeof element.className === 'string'
                 ? `.${element.className.trim().split(/\\s+/).join('.')}` : '')
              + ` (right edge ${element.getBoundingClientRect().right.toFixed(0)} px)`)""",
        width,
    )
    raise AssertionError(
        f"{page.url} scrolls sideways at {width} px: content is {scroll_width} px wide; "
        f"widest elements: {', '.join(wide)}"
    )
