package plaudit.rules.collection.purpose_declared_test

import rego.v1

import data.plaudit.rules.collection.purpose_declared

table(catalog, max_level) := {
	"resource": "lending.public.customer",
	"kind": "table",
	"location": {"path": "migrations/V1.sql", "line": 3},
	"catalog": catalog,
	"pi_columns": ["id_no"],
	"max_level": max_level,
}

test_declared_purpose_is_allowed if {
	count(purpose_declared.deny) == 0 with input as {"tables": [table({"purposes": ["credit_underwriting"]}, "C2")]}
}

test_missing_purpose_on_c2_is_high if {
	findings := purpose_declared.deny with input as {"tables": [table(null, "C2")]}
	count(findings) == 1
	some f in findings
	f.severity == "high"
	f.resource == "lending.public.customer"
	contains(f.message, "declares no purpose")
}

test_empty_purposes_on_c3_is_high if {
	some f in purpose_declared.deny with input as {"tables": [table({"purposes": []}, "C3")]}
	f.severity == "high"
}

test_blank_purpose_counts_as_none if {
	count(purpose_declared.deny) == 1 with input as {"tables": [table({"purposes": [""]}, "C2")]}
}

test_missing_purpose_on_c1_is_medium if {
	some f in purpose_declared.deny with input as {"tables": [table({"purposes": []}, "C1")]}
	f.severity == "medium"
}

test_views_and_tables_without_pi_are_not_in_scope if {
	count(purpose_declared.deny) == 0 with input as {"tables": [
		object.union(table(null, "C2"), {"kind": "view"}),
		object.union(table(null, null), {"pi_columns": []}),
	]}
}

test_purposes_outside_the_register if {
	table := {
		"resource": "app.public.customer",
		"kind": "table",
		"pi_columns": ["mobile"],
		"max_level": "C2",
		"catalog": {"purposes": ["marketing", "account_servicing"], "location": {"path": "c.yaml", "line": 4}},
	}
	findings := purpose_declared.deny with input as {"tables": [table]}
		with data.plaudit.params.approved_purposes as ["account_servicing"]
	count(findings) == 1
	some f in findings
	contains(f.message, "marketing")
	f.location.line == 4
	count(purpose_declared.deny) == 0 with input as {"tables": [table]}
}
