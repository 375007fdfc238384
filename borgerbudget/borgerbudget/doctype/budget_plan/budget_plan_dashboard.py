from frappe import _


def get_data():
	return {
		"fieldname": "budget_plan",
		"transactions": [
			{"label": _("Approval"), "items": ["Budget Plan Approval"]},
			{
				"label": _("Payouts"),
				"items": ["E-Invoice", "Purchase Invoice", "Payment Entry", "Budget Advance"],
			},
			{"label": _("Claims"), "items": ["Repayment Claim"]},
		],
	}
