package plaudit.rules.migration.copy_out_test

import rego.v1

import data.plaudit.rules.migration.copy_out

copy(extra, flows) := object.union(
	{
		"op": "copy",
		"statement": "INSERT SELECT",
		"resource": "app.public.events",
		"schema": "public",
		"table": "events",
		"is_log": false,
		"catalog": null,
		"flows": flows,
		"location": {"path": "db/V9__copy.sql", "line": 4},
	},
	extra,
)

flow(level, masked) := {
	"column": "who",
	"sources": ["app.public.customer.id_no"],
	"categories": ["identity.national_id"],
	"max_level": level,
	"pci": null,
	"masked": masked,
}

test_clear_id_into_log_table if {
	findings := copy_out.deny with input as {"operations": [copy({"is_log": true, "table": "event_log"}, [flow("C2", false)])]}
	count(findings) == 1
	some f in findings
	f.kind == "pii_in_logs"
	f.severity == "high"
	f.resource == "app.public.events.who"
	f.location.line == 4
}

test_c3_into_log_is_critical if {
	findings := copy_out.deny with input as {"operations": [copy({"is_log": true}, [flow("C3", false)])]}
	some f in findings
	f.severity == "critical"
}

test_clear_id_into_analytics_zone if {
	findings := copy_out.deny with input as {"operations": [copy({"catalog": {"zone": "analytics"}}, [flow("C2", false)])]}
	some f in findings
	f.kind == "unmasked_exposure"
	contains(f.message, "analytics zone")
}

test_analytics_schema_by_name_and_parameter if {
	count(copy_out.deny) == 1 with input as {"operations": [copy({"schema": "DW"}, [flow("C2", false)])]}
	count(copy_out.deny) == 0 with input as {"operations": [copy({"schema": "dw"}, [flow("C2", false)])]}
		with data.plaudit.params.analytics_schemas as ["lake"]
	count(copy_out.deny) == 1 with input as {"operations": [copy({"schema": "lake"}, [flow("C2", false)])]}
		with data.plaudit.params.analytics_schemas as ["lake"]
}

test_masked_copies_pass if {
	count(copy_out.deny) == 0 with input as {"operations": [copy({"is_log": true}, [flow("C2", true)])]}
}

test_copies_into_ordinary_tables_pass if {
	count(copy_out.deny) == 0 with input as {"operations": [copy({}, [flow("C2", false)])]}
}

test_c1_is_not_in_scope if {
	count(copy_out.deny) == 0 with input as {"operations": [copy({"is_log": true}, [flow("C1", false)])]}
}

test_copies_of_columns_stored_encrypted_pass if {
	encrypted := object.union(flow("C2", false), {"protected": true})
	count(copy_out.deny) == 0 with input as {"operations": [copy({"is_log": true}, [encrypted])]}
}
