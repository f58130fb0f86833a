"""The project page's tab bar, built in one place (projects.views.TABS) for every app's project tab."""

from django import template

register = template.Library()


@register.simple_tag
def project_tab_links(project) -> list[dict]:
    """The tabs of ``project``'s page: key, label, URL (a mistyped URL name raises, never drops the tab)."""
    from projects.views import project_tabs  # views import forms and models: not at template-load time

    return project_tabs(project)
