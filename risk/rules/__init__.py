"""The arrears-risk rules (DESIGN §2 table), one module per obligation or subject (a rule may have its own).

A rule is a function (projects queryset, thresholds, today) → {project_id: Finding(severity, detail)},
computed for all projects at once in a fixed number of aggregate queries (STYLE: sweeps are set-based).

How to add a risk rule:
1. Write the function in a module here (a new file is fine), decorated with ``@rule("CODE", name=…,
   description=…, severity=…, thresholds={…})`` from risk.registry; build findings with ``collect`` so a
   project that fails is logged and skipped. Read an obligation from projects.obligations or
   deposits.selectors.DepositPosition rather than restating it.
2. Import the module below: the import order is the rules' default sort. ``risk_rules_sync`` (run by every
   sweep) then creates its RiskRule row from the defaults; admins edit thresholds and severity there.
3. Test it in tests/risk/test_rules.py: it fires on crafted data and clears when the data is put right.
"""

from ..registry import GENERAL, REGISTRY, SERIOUS, Finding, RuleSpec, capture_failures, collect, rule

# isort: off
from . import account, wages, deposit, site, conduct, paylines  # noqa: F401  registers the rules, in this order
# isort: on

__all__ = ["GENERAL", "REGISTRY", "SERIOUS", "Finding", "RuleSpec", "capture_failures", "collect", "rule"]
