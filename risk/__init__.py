"""The arrears-risk sweep (欠薪隐患排查, DESIGN §2): rules evaluated over all active projects, nightly and on
demand, opening, re-grading and closing hazards; the hazard pages, dashboard, API and close-out (销号).

It sits above deposits in the layers (it reads every app below it) and below reports. Its models
(RiskRule, Hazard, SweepRun) stay in projects/models.py: complaints' orders and interviews and the
blacklist's grading refer to hazards, and they sit below this app.

How to add a risk rule: write a function decorated with ``@rule("CODE", …)`` (risk.registry) in a module
of risk/rules/ — its own file is fine — and import that module in risk/rules/__init__.py; the next sweep
creates its RiskRule row. Read obligations from projects.obligations / deposits' DepositPosition rather
than restating them. Details in risk/rules/__init__.py.
"""
