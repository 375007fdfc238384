import frappe


def execute():
	"""CPR numbers move from the participant to the vault (Participant CPR), so that no response
	carrying a participant can carry its ciphertext or keyed hash."""
	if not frappe.db.has_column("Participant", "cpr_encrypted"):
		return
	for row in frappe.db.sql(
		"""select name, programme, cpr_encrypted, cpr_hash from `tabParticipant`
		where ifnull(cpr_encrypted, '') != '' and name not in (select name from `tabParticipant CPR`)""",
		as_dict=True,
	):
		doc = frappe.get_doc({"doctype": "Participant CPR", "participant": row.name, **row})
		doc.name, doc.owner = row.name, "Administrator"
		doc.db_insert()
	if frappe.db.sql("show index from `tabParticipant` where Key_name = 'unique_cpr_per_programme'"):
		frappe.db.sql_ddl("alter table `tabParticipant` drop index unique_cpr_per_programme")
	for column in ("cpr_encrypted", "cpr_hash"):
		if frappe.db.has_column("Participant", column):
			frappe.db.sql_ddl(f"alter table `tabParticipant` drop column `{column}`")
