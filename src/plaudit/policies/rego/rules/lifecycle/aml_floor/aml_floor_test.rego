package plaudit.rules.lifecycle.aml_floor_test

import rego.v1

import data.plaudit.rules.lifecycle.aml_floor

kyc_table(retention) := {
	"resource": "lending.public.kyc",
	"kind": "table",
	"pi_columns": ["id_no"],
	"catalog": {"retention": retention, "location": {"path": "catalog.yaml", "line": 8}},
}

kyc_column := {"resource": "lending.public.kyc.id_no", "column": "id_no", "category": "identity.national_id"}

catalog_input(retention) := {"tables": [kyc_table(retention)], "columns": [kyc_column]}

test_missing_floor_on_kyc_table if {
	findings := aml_floor.deny with input as catalog_input({"period": "5y", "anchor": "closed_at"})
	count(findings) == 1
	some f in findings
	contains(f.message, "declares no legal_floor")
	f.location.line == 8
}

test_floor_below_aml_floor if {
	findings := aml_floor.deny with input as catalog_input({"period": "10y", "legal_floor": "5y"})
	some f in findings
	contains(f.message, "below the AML floor")
}

test_period_shorter_than_floor if {
	findings := aml_floor.deny with input as catalog_input({"period": "3y", "legal_floor": "10y"})
	some f in findings
	contains(f.message, "shorter than its legal_floor")
}

test_sufficient_floor_passes if {
	count(aml_floor.deny) == 0 with input as catalog_input({"period": "10y", "legal_floor": "10y"})
}

test_floor_parameter if {
	count(aml_floor.deny) == 0 with input as catalog_input({"period": "5y", "legal_floor": "5y"})
		with data.plaudit.params.aml_floor as "5y"
}

test_tables_without_aml_data_pass if {
	count(aml_floor.deny) == 0 with input as {
		"tables": [kyc_table({"period": "1y"})],
		"columns": [object.union(kyc_column, {"category": "contact.phone"})],
	}
}

op(kind, extra) := object.union(
	{
		"op": kind,
		"resource": "lending.public.kyc",
		"table": "kyc",
		"catalog": null,
		"categories": ["identity.national_id"],
		"approval": null,
		"location": {"path": "db/V12__cleanup.sql", "line": 5},
	},
	extra,
)

test_truncate_of_aml_table if {
	findings := aml_floor.deny with input as {"operations": [op("truncate", {})]}
	count(findings) == 1
	some f in findings
	startswith(f.message, "TRUNCATE of lending.public.kyc")
	f.location.path == "db/V12__cleanup.sql"
}

test_drop_of_table_with_declared_floor if {
	dropped := op("drop", {"categories": [], "catalog": {"retention": {"legal_floor": "5y"}}})
	findings := aml_floor.deny with input as {"operations": [dropped]}
	some f in findings
	contains(f.message, "floor of 5y")
}

test_approved_truncate_passes if {
	count(aml_floor.deny) == 0 with input as {"operations": [op("truncate", {"approval": "ARCH-1"})]}
}

test_truncate_of_other_tables_passes if {
	count(aml_floor.deny) == 0 with input as {"operations": [op("truncate", {"categories": ["contact.phone"]})]}
}

test_purge_younger_than_floor if {
	purge := op("delete", {"anchor": "closed_at", "older_than_days": 1095})
	findings := aml_floor.deny with input as {"operations": [purge]}
	some f in findings
	contains(f.message, "older than 1095 days")
}

test_purge_at_the_floor_passes if {
	purge := op("delete", {"anchor": "closed_at", "older_than_days": 3650})
	count(aml_floor.deny) == 0 with input as {"operations": [purge]}
}
