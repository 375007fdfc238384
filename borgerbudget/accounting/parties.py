"""The citizen in ERPNext: a supplier for payouts, a customer for repayment claims; and the
payout accounts the programmes book to."""

import frappe


def citizen_supplier(participant):
	return frappe.db.get_value("Supplier", {"participant": participant}, "name")


def ensure_citizen_supplier(participant, programme):
	"""The citizen as a supplier; no bank details, since payouts go to the citizen's NemKonto."""
	return ensure_citizen_party("Supplier", participant, programme.company, programme.advance_account)


def ensure_citizen_customer(participant, programme):
	"""The citizen as a customer, for repayment claims."""
	return ensure_citizen_party("Customer", participant, programme.company, programme.receivable_account)


def ensure_citizen_party(doctype, participant, company, account):
	existing = frappe.db.get_value(doctype, {"participant": participant}, "name")
	if existing:
		return existing
	prefix = doctype.lower()
	party = frappe.get_doc(
		{
			"doctype": doctype,
			f"{prefix}_name": citizen_party_name(participant),
			f"{prefix}_group": CITIZEN_GROUP,
			f"{prefix}_type": "Individual",
			"participant": participant,
			"accounts": [{"company": company, "account": account}],
		}
	)
	return party.insert().name


def citizen_party_name(participant):
	# The participant's id keeps two citizens with the same name apart.
	return "{} ({})".format(frappe.db.get_value("Participant", participant, "full_name"), participant)


CITIZEN_GROUP = "Borgerbudget Citizens"


# Created per company by setup.site.ensure_payout_accounts; the programme's defaults.
# The advance account is a Payable-type asset: the citizen is its party, as a supplier.
PAYOUT_ACCOUNTS = {
	"Expense": "Borgerbudgetter",
	"Allowance": "Frie midler til borgere",  # the receipt-free allowance, apart from other spending
	"Payable": "Forskud til borgere",
	"Receivable": "Tilbagebetalingskrav fra borgere",
}


def default_payout_account(company, kind):
	return frappe.db.get_value(
		"Account", {"company": company, "account_name": PAYOUT_ACCOUNTS[kind], "is_group": 0}
	)
