// The citizen adds receipts; the server refuses any other change (budget_advance.py).
// (Rendered with Jinja: receipt_messages comes from borgerbudget.portal.receipts_form_context.)
Object.assign(frappe._messages, {{ receipt_messages | json }});
