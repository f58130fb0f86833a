"""Models of the projects app, one module per subject; everything is importable from ``projects.models``."""

from .account import ApiClient, BankReported, LabourCostTransfer, Payroll, WageAccount
from .core import MONEY, Enterprise, Project, ProjectChildQuerySet, ProjectQuerySet, Subcontract
from .inspections import Inspection
from .jobs import ImportJob
from .people import RosterEntry, Worker, WorkerQuerySet
from .risk import Hazard, HazardQuerySet, RiskRule, SweepRun

__all__ = [
    "MONEY",
    "ApiClient",
    "BankReported",
    "Enterprise",
    "Hazard",
    "HazardQuerySet",
    "ImportJob",
    "Inspection",
    "LabourCostTransfer",
    "Payroll",
    "Project",
    "ProjectChildQuerySet",
    "ProjectQuerySet",
    "RiskRule",
    "RosterEntry",
    "Subcontract",
    "SweepRun",
    "WageAccount",
    "Worker",
    "WorkerQuerySet",
]
