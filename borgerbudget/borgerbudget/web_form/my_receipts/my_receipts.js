// The citizen adds receipts; the server refuses any other change (budget_advance.py).
