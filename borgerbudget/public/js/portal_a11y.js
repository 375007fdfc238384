// The portal's own fixes for WCAG 2.1 AA on frappe's web forms and lists (web_include_js in hooks.py),
// measured by tests/integration/test_accessibility.py:
// - every form control gets a name: its field's label (aria-labelledby), in a grid its column's
//   heading, row checkboxes "Select row" (1.3.1, 4.1.2);
// - a child table that scrolls sideways on a narrow screen can be scrolled from the keyboard (2.1.1);
// - a field frappe marks as wrong gets aria-invalid and a message tied to it by aria-describedby,
//   and frappe's error dialogs are read out through a live region (3.3.1, 4.1.3).
// frappe draws its forms after load and again on every change, so this runs on each change.
// The words come from borgerbudget.portal.website_context, in the user's language.
(function () {
	const words = () => window.bb_a11y_messages || {};
	let counter = 0;
	const id_for = (element, prefix) => element.id || (element.id = `${prefix}-${++counter}`);
	const named = (control) =>
		control.getAttribute("aria-label") ||
		control.getAttribute("aria-labelledby") ||
		(control.id && document.querySelector(`label[for="${CSS.escape(control.id)}"]`)) ||
		control.closest("label");
	const text = (element) => (element && element.textContent.trim()) || "";

	function name_controls(root) {
		root.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((control) => {
			if (named(control)) return;
			if (control.type === "checkbox" && control.closest(".grid-heading-row, thead")) {
				control.setAttribute("aria-label", words().select_all || "Select all");
				return;
			}
			if (control.matches(".grid-row-check, .list-col-checkbox input, .select-all")) {
				control.setAttribute("aria-label", words().select_row || "Select row");
				return;
			}
			const field = control.closest(".frappe-control[data-fieldname]");
			const label = field && field.querySelector(".control-label, label");
			if (text(label)) {
				control.setAttribute("aria-labelledby", id_for(label, "bb-label"));
				return;
			}
			// A grid cell: the column's heading; a list's check mark: its column's heading.
			const cell = control.closest("[data-fieldname]");
			const grid = control.closest(".form-grid");
			const heading =
				cell &&
				grid &&
				grid.querySelector(`.grid-heading-row [data-fieldname="${CSS.escape(cell.dataset.fieldname)}"]`);
			const td = control.closest("td");
			const table = control.closest("table");
			const th = td && table && table.querySelectorAll("thead th")[td.cellIndex];
			// frappe's comment box under a web form has neither label nor placeholder.
			const comment = control.matches("[name=comment]") && (words().comment || "Comment");
			const name =
				text(heading) || text(th) || control.getAttribute("placeholder") || comment || (field && field.dataset.fieldname);
			if (name) control.setAttribute("aria-label", name);
		});
		root.querySelectorAll("a.print-btn:not([aria-label])").forEach((link) => {
			link.setAttribute("aria-label", words().print || "Print");
		});
	}

	// A child table that scrolls sideways inside itself (portal_a11y.css, below 768 px) takes the
	// focus, so the arrow keys scroll it (2.1.1); it is named by its field's label.
	function scrollable_tables(root) {
		root.querySelectorAll(".web-form .form-grid-container").forEach((container) => {
			const scrolls = container.scrollWidth > container.clientWidth + 1;
			if (scrolls && !container.hasAttribute("tabindex")) {
				const field = container.closest(".frappe-control[data-fieldname]");
				const label = field && field.querySelector(".control-label, label");
				container.setAttribute("tabindex", "0");
				container.setAttribute("role", "region");
				if (text(label)) container.setAttribute("aria-labelledby", id_for(label, "bb-label"));
			} else if (!scrolls && container.getAttribute("tabindex") === "0") {
				["tabindex", "role", "aria-labelledby"].forEach((name) => container.removeAttribute(name));
			}
		});
	}

	function mark_errors(root) {
		root.querySelectorAll(".frappe-control[data-fieldname]").forEach((field) => {
			const control = field.querySelector("input:not([type=hidden]), select, textarea");
			if (!control) return;
			let message = field.querySelector(".bb-field-error");
			if (field.classList.contains("has-error")) {
				control.setAttribute("aria-invalid", "true");
				if (!message) {
					message = document.createElement("div");
					message.className = "bb-field-error small";
					message.textContent = words().required || "Fill in this field.";
					(field.querySelector(".control-input-wrapper") || field).appendChild(message);
				}
				const ids = new Set((control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
				ids.add(id_for(message, "bb-error"));
				control.setAttribute("aria-describedby", [...ids].join(" "));
			} else if (control.getAttribute("aria-invalid")) {
				control.removeAttribute("aria-invalid");
				if (message) {
					const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter((i) => i !== message.id);
					ids.length ? control.setAttribute("aria-describedby", ids.join(" ")) : control.removeAttribute("aria-describedby");
					message.remove();
				}
			}
		});
	}

	// One live region: frappe's message dialogs (save errors, missing values) are read out when shown.
	function announce(root) {
		let live = document.getElementById("bb-live");
		if (!live) {
			live = document.createElement("div");
			live.id = "bb-live";
			live.className = "bb-visually-hidden";
			live.setAttribute("role", "alert");
			live.setAttribute("aria-live", "assertive");
			document.body.appendChild(live);
		}
		const shown = root.querySelector(".modal.show .modal-body");
		const said = shown ? text(shown) : "";
		if (said && live.dataset.said !== said) {
			live.dataset.said = said;
			live.textContent = said;
		} else if (!said) {
			live.dataset.said = "";
		}
	}

	let pending = false;
	function run() {
		pending = false;
		name_controls(document);
		scrollable_tables(document);
		mark_errors(document);
		announce(document);
	}
	function schedule() {
		if (pending) return;
		pending = true;
		window.requestAnimationFrame(run);
	}
	function start() {
		run();
		window.addEventListener("resize", schedule);
		new MutationObserver(schedule).observe(document.body, {
			childList: true,
			subtree: true,
			attributes: true,
			attributeFilter: ["class"],
		});
	}
	if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
	else start();
})();
