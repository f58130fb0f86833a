"""The go-live upload: the workbook and the day its opening entries describe."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagewatch.lib.bounds import BoundedForm
from wagewatch.lib.widgets import DATE


class GoLiveUploadForm(BoundedForm):
    file = forms.FileField(label=_("上线初始化工作簿（.xlsx）"))
    # a past day, as every date of the form (BoundedForm): the opening entries describe what has happened
    as_of = forms.DateField(
        label=_("初始数据截至日期"),
        initial=timezone.localdate,
        widget=DATE,
    )
