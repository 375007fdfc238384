"""Erasing a citizen's personal data once its purpose has ended, keeping the books and the
evaluation intact (rules/erasure.py says when, and what happens to each field).

One walk over everything the app stores about a participant serves both the dry run (what would be
erased, record by record) and the erasure itself:

- the app's records of the participant (every doctype of the permission rule's PARTICIPANT_OF, and
  the rows of the rosters): free texts blanked, the name replaced by the pseudonym; the participant
  keeps its id, amounts, categories, dates, statuses and outcomes, so the evaluation's totals stay;
- their files, versions, comments, e-mails and assignments: deleted; representations: deleted (a
  third person's right to a case that is over);
- ERPNext's records, which the bookkeeping act keeps: the citizen as supplier and customer renamed
  to the pseudonym, and the name and e-mail replaced in their vouchers and ledger rows;
- the portal user: deleted; the CPR vault row: deleted; the CPR reveal log keeps who and when;
- last, the e-mail address and the CPR number are looked for in every text column of the site and
  replaced wherever they still are (a caseworker may have typed them into any note).

Erasure is refused while money is open: an unsettled advance, an open claim, an unpaid invoice or a
payout batch not yet settled.
"""

import json
import re

import frappe
from frappe import _
from frappe.model.rename_doc import rename_doc
from frappe.utils import add_years, getdate, now_datetime, today

from borgerbudget import rules
from borgerbudget.borgerbudget.doctype.participant_cpr import participant_cpr
from borgerbudget.permissions import ANNOTATIONS, OPTIONAL_PARTICIPANT, PARTICIPANT_OF, ROSTERS

E = rules.erasure
# Records removed whole rather than pseudonymised, and the erasure's own record, left as it is.
REMOVED = frozenset({"Representative"})
UNTOUCHED = frozenset({"Data Erasure"})
# frappe's records about a record, besides the annotations: deleted with the record's personal data.
ABOUT = {
	"Version": ("ref_doctype", "docname"),
	"Communication": ("reference_doctype", "reference_name"),
	"Activity Log": ("reference_doctype", "reference_name"),
	"Notification Log": ("document_type", "document_name"),
	"Email Queue": ("reference_doctype", "reference_name"),
	"Document Follow": ("ref_doctype", "ref_docname"),
}
# frappe's caches on a record's row: its latest comments, assignees, likes, readers and tags.
ROW_TRACES = ("_comments", "_assign", "_liked_by", "_seen", "_user_tags")
TEXT_COLUMNS = ("char", "varchar", "tinytext", "text", "mediumtext", "longtext")


def money_open(participant) -> list[str]:
	"""Why the participant's data cannot be erased yet: every piece of money still open."""
	from borgerbudget.rules import batch, payout

	plans = frappe.get_all("Budget Plan", filters={"participant": participant}, pluck="name") or [""]
	suppliers = frappe.get_all("Supplier", filters={"participant": participant}, pluck="name") or [""]
	reasons = [
		_("Advance {0} is not settled.").format(name)
		for name in frappe.get_all(
			"Budget Advance",
			filters={"participant": participant, "status": ("in", payout.OPEN_ADVANCE_STATUSES)},
			pluck="name",
		)
	]
	reasons += [
		_("Repayment claim {0} is open.").format(name)
		for name in frappe.get_all(
			"Repayment Claim",
			filters={"participant": participant, "docstatus": ("<", 2), "status": ("!=", payout.CLAIM_PAID)},
			pluck="name",
		)
	]
	invoices = frappe.db.sql(
		"""select name from `tabPurchase Invoice` where (budget_plan in %(plans)s or supplier in %(suppliers)s
			or name in (select parent from `tabPurchase Invoice Item` where budget_plan in %(plans)s))
		and (docstatus = 0 or (docstatus = 1 and outstanding_amount != 0))""",
		{"plans": plans, "suppliers": suppliers},
		pluck=True,
	)
	reasons += [_("Invoice {0} is not paid.").format(name) for name in invoices]
	batches = frappe.db.sql(
		"""select distinct b.name from `tabPayout Batch` b join `tabPayout Batch Payment` p on p.parent = b.name
		where p.participant = %s and b.status in %s""",
		(participant, (batch.DRAFT, batch.APPROVED, batch.SENT)),
		pluck=True,
	)
	reasons += [_("Payout batch {0} is not settled.").format(name) for name in batches]
	return reasons


def erase(participant, dry_run=False) -> dict:
	"""Erase the participant's personal data (or, with `dry_run`, only say what would go): a
	summary {what: [records]}. The caller checks permission and commits."""
	if not dry_run and (reasons := money_open(participant)):
		frappe.throw(
			_("The personal data cannot be erased while money is open:") + "<br>" + "<br>".join(reasons),
			title=_("Money is open"),
		)
	walk = Walk(participant, dry_run)
	walk.app_records()
	walk.frappe_records()
	walk.parties_and_vouchers()
	walk.portal_user()
	walk.identifiers_everywhere()
	walk.note(_("{0}: deleted").format(_("Participant CPR")), [participant])
	if not dry_run:
		frappe.db.delete("Participant CPR", {"name": participant})
		frappe.db.set_value(
			"Participant", participant, {"erased_on": now_datetime(), "user": None}, update_modified=False
		)
	return walk.summary


class Walk:
	def __init__(self, participant, dry_run):
		self.participant, self.dry_run = participant, dry_run
		self.pseudonym = E.pseudonym(participant)
		person = frappe.db.get_value("Participant", participant, ["full_name", "email", "user"], as_dict=True)
		self.name, self.user = person.full_name, person.user
		# The name as frappe's JSON (versions, deleted documents) spells it: æ, ø and å escaped.
		self.names = sorted({self.name, json.dumps(self.name)[1:-1]}) if self.name else []
		self.emails = {e.lower() for e in (person.email, person.user) if e and "@" in e}
		self.shared = {e for e in self.emails if self.used_by_others(e)}
		cpr = participant_cpr.stored_cpr(participant)
		self.cprs = {cpr.digits, cpr.formatted} if cpr else set()
		self.records = {}  # doctype -> names of the app's records of the participant
		self.summary = {}

	def used_by_others(self, email) -> bool:
		"""An address someone else also uses (a household's, a guardian's, a login that is also
		another participant's or a representative's): it is not this person's to erase."""
		others = frappe.db.sql(
			"""select 1 from `tabParticipant` where name != %(p)s and erased_on is null
				and (lower(email) = %(e)s or lower(user) = %(e)s)
			union all select 1 from `tabRepresentative` where participant != %(p)s and lower(representative) = %(e)s
			union all select 1 from `tabUser` where lower(name) = %(e)s and user_type != 'Website User'
			limit 1""",
			{"p": self.participant, "e": email},
		)
		return bool(others)

	def columns(self):
		if not hasattr(self, "_columns"):
			self._columns = all_text_columns()
		return self._columns

	def note(self, what, names):
		if names:
			self.summary.setdefault(what, []).extend(names)

	def app_records(self):
		"""Every record of the permission rule's doctypes that belongs to the participant."""
		for doctype, path in PARTICIPANT_OF.items():
			if doctype in OPTIONAL_PARTICIPANT or doctype in UNTOUCHED:
				continue  # ERPNext's parties: below
			if path == "name":
				self.records[doctype] = [self.participant]
			elif isinstance(path, str):
				self.records[doctype] = frappe.get_all(
					doctype, filters={path: self.participant}, pluck="name"
				)
		for doctype, path in PARTICIPANT_OF.items():
			if isinstance(path, tuple):
				link, parent = path
				parents = self.records.get(parent) or [""]
				self.records[doctype] = frappe.get_all(doctype, filters={link: ("in", parents)}, pluck="name")
		for doctype, names in self.records.items():
			if not names:
				continue
			if doctype in REMOVED:
				self.note(_("{0}: deleted").format(_(doctype)), names)
				if not self.dry_run:
					self.remove(doctype, names)
				continue
			self.note(_("{0}: pseudonymised").format(_(doctype)), names)
			self.pseudonymise(doctype, names)
		if not self.dry_run:
			self.keep_only_the_age()
		for doctype, (table_field, participant_field) in ROSTERS.items():
			child = frappe.get_meta(doctype).get_field(table_field).options
			rows = frappe.get_all(
				child, filters={participant_field: self.participant, "parenttype": doctype}, pluck="name"
			)
			self.note(_("{0} in {1}: pseudonymised").format(_(child), _(doctype)), rows)
			if rows and not self.dry_run:
				self.set_fields(child, "name", rows)
				parents = frappe.get_all(child, filters={"name": ("in", rows)}, pluck="parent", distinct=True)
				self.replace_about(doctype, parents, self.names)

	def keep_only_the_age(self):
		"""The date of birth is the CPR number's first half: keep only the age the evaluation reads
		(at enrolment, or today), on the anniversary of that day."""
		born, enrolled = frappe.db.get_value(
			"Participant", self.participant, ["birth_date", "enrolment_date"]
		)
		if not born:
			return
		on = getdate(enrolled or today())
		born = getdate(born)
		age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
		frappe.db.set_value(
			"Participant", self.participant, "birth_date", add_years(on, -age), update_modified=False
		)

	def pseudonymise(self, doctype, names):
		if self.dry_run:
			return
		self.set_fields(doctype, "name", names)
		for table in frappe.get_meta(doctype).get_table_fields():
			self.set_fields(table.options, "parent", names, parenttype=doctype)

	def set_fields(self, doctype, key, names, parenttype=None):
		values, stored = {}, set(self.columns().get(f"tab{doctype}", ()))
		for df in frappe.get_meta(doctype).fields:
			if df.fieldname not in stored:
				continue  # virtual: never stored (the CPR number as entered)
			action = E.field_action(doctype, df.fieldname, df.fieldtype)
			if action == E.PSEUDONYM:
				values[df.fieldname] = self.pseudonym
			elif action == E.BLANK:
				values[df.fieldname] = ""
		values.update({column: None for column in ROW_TRACES if column in stored})
		if not values:
			return
		assignments = ", ".join(f"`{field}` = %({field})s" for field in values)
		condition = f"`{key}` in %(names)s" + (" and `parenttype` = %(parenttype)s" if parenttype else "")
		frappe.db.sql(
			f"update `tab{doctype}` set {assignments} where {condition}",
			{**values, "names": names, "parenttype": parenttype},
		)

	def frappe_records(self):
		"""Files, versions, comments, e-mails, assignments and the like about the participant's records."""
		for doctype, names in self.records.items():
			if names:
				self.forget(doctype, names)
		# Mails to the citizen about anything else (the queue keeps the message with the name).
		queued = frappe.get_all(
			"Email Queue Recipient",
			filters={"recipient": ("in", sorted(self.emails - self.shared) or [""])},
			pluck="parent",
		)
		self.note(_("{0}: deleted").format(_("Email Queue")), sorted(set(queued)))
		if queued and not self.dry_run:
			self.delete("Email Queue", sorted(set(queued)))
		# Whole copies frappe kept of the participant's records deleted earlier.
		copies = frappe.get_all(
			"Deleted Document",
			filters={
				"deleted_doctype": ("in", list(PARTICIPANT_OF)),
				"data": ("like", f"%{json.dumps(self.participant)}%"),
			},
			pluck="name",
		)
		self.note(_("{0}: deleted").format(_("Deleted Document")), copies)
		if self.dry_run:
			return
		if copies:
			frappe.db.delete("Deleted Document", {"name": ("in", copies)})
		for doctype, names in self.records.items():
			self.unindex(doctype, names)
		# Who opened the record stays (who and when); a page or filter that showed the name does not.
		if frappe.get_meta("Access Log").has_field("participant"):
			self.replace_in("Access Log", "participant", [self.participant], self.names)

	def unindex(self, doctype, names):
		if names:
			frappe.db.sql("delete from `__global_search` where doctype = %s and name in %s", (doctype, names))

	def remove(self, doctype, names):
		"""Delete records whole (no copy in Deleted Documents), and what frappe keeps about them."""
		for name in names:
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
			# frappe's feed says "<doctype> <name> deleted": for a contact, that is the person's name.
			frappe.db.delete(
				"Comment",
				{"comment_type": "Deleted", "reference_doctype": doctype, "subject": f"{_(doctype)} {name}"},
			)
		if names:
			self.forget(doctype, names)

	def forget(self, doctype, names):
		"""Delete what frappe keeps about these records: files, versions, comments, mails, assignments."""
		for kind, (doctype_field, name_field) in {**ANNOTATIONS, **ABOUT}.items():
			rows = frappe.get_all(
				kind, filters={doctype_field: doctype, name_field: ("in", names)}, pluck="name"
			)
			self.note(_("{0}: deleted").format(_(kind)), rows)
			if rows and not self.dry_run:
				self.delete(kind, rows)

	def delete(self, doctype, names):
		if doctype == "File":
			for name in names:  # frappe removes the file on disk with the last record naming it
				frappe.delete_doc("File", name, force=True, ignore_permissions=True, delete_permanently=True)
			return
		if doctype == "Email Queue":
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", names)})
		if doctype == "Communication":
			frappe.db.delete("Communication Link", {"parent": ("in", names)})
		frappe.db.delete(doctype, {"name": ("in", names)})

	def parties_and_vouchers(self):
		"""The citizen as ERPNext's supplier and customer: renamed to the pseudonym; the name and the
		e-mail replaced in the vouchers and ledger rows that name them (the books keep the figures)."""
		parties = {
			doctype: frappe.get_all(doctype, filters={"participant": self.participant}, pluck="name")
			for doctype in sorted(OPTIONAL_PARTICIPANT)
		}
		names = [name for names in parties.values() for name in names]
		vouchers = frappe.db.sql(
			"""select distinct voucher_type, voucher_no from `tabGL Entry`
			where participant = %(participant)s or party in %(parties)s""",
			{"participant": self.participant, "parties": names or [""]},
		)
		for doctype, party_names in parties.items():
			# Named by what they become: their names now hold the citizen's.
			self.note(
				_("{0}: renamed to the pseudonym").format(_(doctype)),
				[self.party_name(i) for i in range(len(party_names))],
			)
		by_type = {}
		for voucher_type, voucher_no in vouchers:
			by_type.setdefault(voucher_type, []).append(voucher_no)
		for voucher_type, numbers in sorted(by_type.items()):
			self.note(_("{0}: name replaced").format(_(voucher_type)), numbers)
		if self.dry_run:
			return
		needles = [*self.names, *sorted(self.emails - self.shared)]
		for doctype, party_names in parties.items():
			for index, old in enumerate(party_names):
				new = self.party_name(index)
				for link in frappe.get_all(
					"Dynamic Link",
					filters={"link_doctype": doctype, "link_name": old},
					fields=["parenttype", "parent"],
				):
					if link.parenttype in ("Contact", "Address"):
						self.remove(link.parenttype, [link.parent])
				if old != new:
					rename_doc(
						doctype,
						old,
						new,
						force=True,
						show_alert=False,
						ignore_permissions=True,
						rebuild_search=False,
					)
				frappe.db.set_value(
					doctype, new, f"{doctype.lower()}_name", self.pseudonym, update_modified=False
				)
				self.replace_in(doctype, "name", [new], needles)
				self.replace_about(doctype, [new], needles)
				self.unindex(doctype, [new])  # frappe's note of the rename names the old
		for voucher_type, numbers in by_type.items():
			self.unindex(voucher_type, numbers)  # indexed again, pseudonymised, at its next save
			self.replace_in(voucher_type, "name", numbers, needles)
			for table in frappe.get_meta(voucher_type).get_table_fields():
				self.replace_in(table.options, "parent", numbers, needles)
			for ledger in ("GL Entry", "Payment Ledger Entry"):
				self.replace_in(ledger, "voucher_no", numbers, needles)
			self.replace_about(voucher_type, numbers, needles)

	def replace_about(self, doctype, names, needles):
		"""The name and e-mail replaced in the versions and comments of records the books keep."""
		for kind in ("Version", "Comment"):
			doctype_field, name_field = ABOUT.get(kind) or ANNOTATIONS[kind]
			rows = frappe.get_all(
				kind, filters={doctype_field: doctype, name_field: ("in", names)}, pluck="name"
			)
			self.replace_in(kind, "name", rows, needles)

	def party_name(self, index):
		return self.pseudonym if index == 0 else f"{self.pseudonym} {index + 1}"

	def replace_in(self, doctype, key, values, needles):
		"""Replace each needle by the pseudonym in the text columns of `doctype`'s rows whose `key`
		is one of `values`."""
		if not values or not needles:
			return
		columns = self.columns().get(f"tab{doctype}")
		if not columns:
			return
		assignments = []
		for column in columns:
			expression = f"`{column}`"
			for index in range(len(needles)):
				expression = f"replace({expression}, %(n{index})s, %(pseudonym)s)"
			assignments.append(f"`{column}` = {expression}")
		frappe.db.sql(
			f"update `tab{doctype}` set {', '.join(assignments)} where `{key}` in %(values)s",
			{
				**{f"n{i}": needle for i, needle in enumerate(needles)},
				"pseudonym": self.pseudonym,
				"values": values,
			},
		)

	def portal_user(self):
		"""The citizen's website user, unless it is also another (not erased) participant's."""
		user = self.user
		if not user or not frappe.db.exists("User", user):
			return
		if user.lower() in self.shared or frappe.db.get_value("User", user, "user_type") != "Website User":
			return  # also someone else's login: it stays
		self.note(_("{0}: deleted").format(_("User")), [_("the citizen's portal user")])
		if not self.dry_run:
			frappe.db.set_value("Participant", self.participant, "user", None, update_modified=False)
			# frappe keeps a Contact for a website user, named after the person.
			contacts = set(frappe.get_all("Contact", filters={"user": user}, pluck="name"))
			contacts |= set(
				frappe.get_all(
					"Contact Email", filters={"email_id": ("in", list(self.emails))}, pluck="parent"
				)
			)
			self.remove("Contact", sorted(contacts))
			self.remove("User", [user])

	def identifiers_everywhere(self):
		"""The e-mail and the CPR number, wherever a person typed them into a text of the site: found as
		whole tokens (never inside a longer address or number), case-insensitively, and replaced row
		by row. An address someone else also uses is left alone."""
		needles = sorted(self.cprs | (self.emails - self.shared))
		if self.shared:
			self.note(_("Kept: also used by someone else"), [_("an e-mail address")] * len(self.shared))
		if not needles:
			return
		token = "[A-Za-z0-9._%+-]"
		pattern = f"(?i)(?<!{token})(" + "|".join(re.escape(n) for n in needles) + f")(?!{token})"
		for table, columns in self.columns().items():
			where = " or ".join(f"`{column}` regexp %(pattern)s" for column in columns)
			keyed = "name" in columns
			rows = frappe.db.sql(
				f"select {'`name`' if keyed else 'count(*)'} from `{table}` where {where}",
				{"pattern": pattern},
			)
			found = [row[0] for row in rows] if keyed else rows[0][0]
			if not found:
				continue
			self.note(
				_("Other rows holding the e-mail or CPR number: replaced"),
				[f"{table} ({len(found) if keyed else found})"],
			)
			if self.dry_run:
				continue
			assignments = ", ".join(
				f"`{column}` = regexp_replace(`{column}`, %(pattern)s, %(pseudonym)s)" for column in columns
			)
			# By key where the table has one, so that only the rows found are locked.
			condition = "`name` in %(found)s" if keyed else where
			frappe.db.sql(
				f"update `{table}` set {assignments} where {condition}",
				{"pattern": pattern, "pseudonym": self.pseudonym, "found": found},
			)


def all_text_columns() -> dict[str, list[str]]:
	"""Every text column of every table of the site's database."""
	columns = {}
	for table, column in frappe.db.sql(
		"""select table_name, column_name from information_schema.columns
		where table_schema = database() and data_type in %s order by table_name, ordinal_position""",
		(TEXT_COLUMNS,),
	):
		columns.setdefault(table, []).append(column)
	return columns
