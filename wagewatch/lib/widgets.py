"""The date and month inputs every form uses.

``<input type="date">`` and ``type="month"`` take ISO values only: a widget without an ISO ``format``
renders a value (an edit form's date, a default of today) in the language's input format (zh-hans:
2026/07/01), which the browser shows as a blank field. Django copies a widget into each field, so these
instances are shared safely.
"""

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
