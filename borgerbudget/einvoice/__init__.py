"""Electronic supplier invoices (NemHandel: OIOUBL 2.1 and Peppol BIS Billing 3.0).

`ubl` reads and checks one UBL 2.1 Invoice or CreditNote, or unpacks a zip of them, without frappe.
"""
