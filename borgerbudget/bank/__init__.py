"""Money out to the bank and its answers back, as ISO 20022 files, without frappe.

`pain001` writes payout batches (pain.001.001.03, DKK, the Danish banks' common guideline); `status`
reads the bank's pain.002.001.03 status reports and camt.054.001.02 debit notifications; `samples`
writes such answers for the tests and the demo. Every refusal is a `BankError` (`errors.py`) with a
stable code and an English message template from `MESSAGES`, which the Frappe side translates.
"""
