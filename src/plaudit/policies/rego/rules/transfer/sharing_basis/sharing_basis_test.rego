package plaudit.rules.transfer.sharing_basis_test

import rego.v1

import data.plaudit.rules.transfer.sharing_basis

facts_of(sharing) := {
	"tables": [{
		"resource": "lending.public.customer", "kind": "table", "location": {"path": "V1.sql", "line": 1},
		"columns": ["id", "mobile", "login_pwd"], "pi_columns": ["mobile", "login_pwd"],
		"catalog": {"sharing": sharing},
	}],
	"columns": [
		{"resource": "lending.public.customer.id", "column": "id", "category": null, "level": null},
		{"resource": "lending.public.customer.mobile", "column": "mobile", "category": "contact.phone", "level": "C2"},
		{"resource": "lending.public.customer.login_pwd", "column": "login_pwd", "category": "auth.password", "level": "C3"},
	],
}

entrusted := {
	"recipient": "acme-collections", "relationship": "entrusted", "agreement_id": "DPA-2026-7",
	"columns": ["mobile"], "location": {"path": "catalog/lending.yaml", "line": 14},
}

test_complete_entrusted_flow_is_allowed if {
	count(sharing_basis.deny) == 0 with input as facts_of([entrusted])
}

test_missing_agreement_is_denied_at_the_sharing_entry if {
	findings := sharing_basis.deny with input as facts_of([object.remove(entrusted, ["agreement_id"])])
	count(findings) == 1
	some f in findings
	f.severity == "high"
	f.location.line == 14
	contains(f.message, "acme-collections (mobile): no agreement_id")
}

test_controller_needs_separate_consent if {
	controller := object.union(entrusted, {"relationship": "controller"})
	count(sharing_basis.deny) == 1 with input as facts_of([controller])
	count(sharing_basis.deny) == 0 with input as facts_of([object.union(controller, {"separate_consent_ref": "consent:bureau-v3"})])
}

test_missing_relationship_is_denied if {
	findings := sharing_basis.deny with input as facts_of([object.remove(entrusted, ["relationship"])])
	some f in findings
	contains(f.message, "no relationship")
}

test_shared_c3_is_critical if {
	findings := sharing_basis.deny with input as facts_of([object.remove(entrusted, ["columns"])])
	count(findings) == 1
	some f in findings
	f.severity == "critical"
	contains(f.message, "C3 data shared (login_pwd)")
}

test_non_personal_columns_are_ignored if {
	count(sharing_basis.deny) == 0 with input as facts_of([{"recipient": "bi-vendor", "columns": ["ID"]}])
}

test_column_names_match_case_insensitively if {
	count(sharing_basis.deny) == 1 with input as facts_of([{"recipient": "x", "columns": ["MOBILE"]}])
}

test_several_recipients_make_one_finding if {
	findings := sharing_basis.deny with input as facts_of([
		object.remove(entrusted, ["agreement_id"]),
		object.union(entrusted, {"recipient": "bureau", "relationship": "controller"}),
	])
	count(findings) == 1
	some f in findings
	contains(f.message, "bureau")
	contains(f.message, "acme-collections")
}

test_no_sharing_is_not_judged if {
	count(sharing_basis.deny) == 0 with input as facts_of(null)
	count(sharing_basis.deny) == 0 with input as facts_of([])
}
