"""Default django-import-export resources of the roster: the comparison point of bench/import_roster.py."""

from import_export import fields, resources, widgets

from .models import Project, RosterEntry, Worker


class WorkerResource(resources.ModelResource):
    """Plain ModelResource (default settings: one SELECT per row, save() per row)."""

    class Meta:
        model = Worker
        fields = ("id_number_hash", "id_number", "name", "sex", "birth_date", "phone")
        import_id_fields = ("id_number_hash",)


class RosterEntryResource(resources.ModelResource):
    project = fields.Field(
        attribute="project", column_name="project", widget=widgets.ForeignKeyWidget(Project)
    )
    worker = fields.Field(
        attribute="worker", column_name="worker", widget=widgets.ForeignKeyWidget(Worker, "id_number_hash")
    )

    class Meta:
        model = RosterEntry
        fields = ("project", "worker", "team", "trade", "entry_date", "exit_date", "contract_signed", "bank")
        import_id_fields = ("project", "worker")
