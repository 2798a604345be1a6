package plaudit.rules.lifecycle.retention_declared_test

import rego.v1

import data.plaudit.rules.lifecycle.retention_declared

retention := {"period": "5y", "anchor": "closed_at", "legal_floor": "5y"}

table(catalog) := {
	"resource": "lending.public.customer",
	"kind": "table",
	"location": {"path": "migrations/V1.sql", "line": 3},
	"catalog": catalog,
	"pi_columns": ["id_no", "mobile"],
	"max_level": "C2",
}

columns := [
	{"resource": "lending.public.customer.id_no", "column": "id_no"},
	{"resource": "lending.public.customer.mobile", "column": "mobile"},
	{"resource": "lending.public.customer.closed_at", "column": "closed_at"},
]

findings(catalog) := fs if {
	fs := retention_declared.deny with input as {"tables": [table(catalog)], "columns": columns}
}

test_declared_retention_is_allowed if {
	count(findings({"retention": retention})) == 0
}

test_anchor_is_matched_case_insensitively if {
	count(findings({"retention": object.union(retention, {"anchor": "CLOSED_AT"})})) == 0
}

test_table_without_catalog_is_denied if {
	some f in findings(null)
	f.resource == "lending.public.customer"
	f.location == {"path": "migrations/V1.sql", "line": 3}
	contains(f.message, "id_no, mobile")
	contains(f.message, "has no catalog entry")
}

test_catalog_without_retention_is_denied if {
	some f in findings({"purposes": ["x"]})
	contains(f.message, "declares no retention")
	count(findings({"retention": null})) == 1
}

test_missing_period_is_denied if {
	some f in findings({"retention": object.remove(retention, ["period"])})
	contains(f.message, "has no period")
}

test_empty_anchor_is_denied if {
	some f in findings({"retention": object.union(retention, {"anchor": " "})})
	contains(f.message, "has no anchor")
}

test_missing_period_and_anchor_is_one_finding if {
	fs := findings({"retention": {"legal_floor": "5y"}})
	count(fs) == 1
	some f in fs
	contains(f.message, "has no period and no anchor")
}

test_unknown_anchor_column_is_denied if {
	some f in findings({"retention": object.union(retention, {"anchor": "closed_time"})})
	contains(f.message, "anchor 'closed_time' is not a column")
}

test_views_and_tables_without_pi_are_not_in_scope if {
	count(retention_declared.deny) == 0 with input as {"tables": [
		object.union(table(null), {"kind": "view"}),
		object.union(table(null), {"pi_columns": []}),
	]}
}

test_catalog_location_is_the_fallback if {
	some f in retention_declared.deny with input as {"tables": [object.union(
		table({"location": {"path": "catalog/lending.yaml", "line": 12}}),
		{"location": null},
	)]}
	f.location == {"path": "catalog/lending.yaml", "line": 12}
}

test_a_ttl_is_a_retention if {
	table := {
		"resource": "app.public.sms_code",
		"kind": "table",
		"pi_columns": ["code"],
		"columns": ["code"],
		"catalog": {"retention": {"ttl": "5min"}},
	}
	count(retention_declared.deny) == 0 with input as {"tables": [table], "columns": []}
	without := json.patch(table, [{"op": "replace", "path": "/catalog/retention", "value": {}}])
	count(retention_declared.deny) == 1 with input as {"tables": [without], "columns": []}
}
