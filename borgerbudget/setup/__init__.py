"""Set-up, in one place. `install.py` holds the after_install and after_migrate hooks, which make the
seed records of `seeds.py` (benefit types, budget categories) and the payout set-up of `payouts.py`
(custom fields, accounting dimensions, citizen party groups, Finance's rights on parties);
`uninstall.py` holds before_uninstall, which removes that set-up, the workflow and the roles.
`site.py` brings a fresh ERPNext site to a Danish municipality (setup wizard, fiscal years, payout
accounts per company) and is run by scripts/setup and scripts/test; `demo.py` makes the demo data
scripts/setup loads unless `--no-demo`.
"""
