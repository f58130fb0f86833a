"""The header's search: one exact hit goes straight to the record, several show a page grouped by kind."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import search


@login_required
def global_search(request):
    """搜索: projects, cases, enterprises and workers of the user's scope matching ``q``."""
    text = request.GET.get("q", "").strip()[: search.TEXT_MAX]
    hits = search.global_search(user=request.user, text=text)
    if url := search.exact_hit(hits, text):
        return redirect(url)
    lists: dict[str, list] = {
        "projects": hits["projects"],
        "complaints": hits["complaints"],
        "enterprises": hits["enterprises"],
        "workers": hits["workers"],
    }
    groups = {name: rows[: search.GROUP_LIMIT] for name, rows in lists.items()}
    more = {name: len(rows) > search.GROUP_LIMIT for name, rows in lists.items()}
    context = {"q": text, "groups": groups, "more": more, "found": any(groups.values()), "title": _("搜索")}
    return render(request, "reports/search.html", context)
