"""A row's URL written from one reverse is reverse's."""

from django.urls import reverse

from wagewatch.lib.rowurls import row_url


def test_row_url_is_reverse():
    for project in (1, 7, 10, 2_147_483):
        edit = row_url("projects:roster_edit", project)
        for pk in (1, 7, 10, 71, 2_147_483, 99_999_999):
            assert edit(pk) == reverse("projects:roster_edit", args=[project, pk])
    detail = row_url("complaints:detail")
    assert [detail(pk) for pk in (1, 12)] == [reverse("complaints:detail", args=[pk]) for pk in (1, 12)]
