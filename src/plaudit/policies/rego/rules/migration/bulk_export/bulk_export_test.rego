package plaudit.rules.migration.bulk_export_test

import rego.v1

import data.plaudit.rules.migration.bulk_export

export(extra, flows) := object.union(
	{
		"op": "export",
		"statement": "COPY TO",
		"resource": "app.public.customer",
		"table": "customer",
		"approval": null,
		"flows": flows,
		"location": {"path": "ops/extract.sql", "line": 2},
	},
	extra,
)

flow(column, level, masked) := {
	"column": column,
	"sources": [sprintf("app.public.customer.%s", [column])],
	"categories": ["contact.phone"],
	"max_level": level,
	"masked": masked,
}

test_unapproved_export_of_phones if {
	findings := bulk_export.deny with input as {"operations": [export({}, [flow("mobile", "C2", false)])]}
	count(findings) == 1
	some f in findings
	f.severity == "high"
	f.location.line == 2
	contains(f.message, "COPY TO exports mobile")
}

test_c3_export_is_critical if {
	findings := bulk_export.deny with input as {"operations": [export({}, [flow("pwd", "C3", false)])]}
	some f in findings
	f.severity == "critical"
}

test_approved_export_passes if {
	count(bulk_export.deny) == 0 with input as {"operations": [export({"approval": "DATA-7"}, [flow("mobile", "C2", false)])]}
}

test_masked_export_passes if {
	count(bulk_export.deny) == 0 with input as {"operations": [export({}, [flow("mobile", "C2", true)])]}
}

test_c1_export_passes if {
	count(bulk_export.deny) == 0 with input as {"operations": [export({}, [flow("ip", "C1", false)])]}
}

test_exports_of_columns_stored_encrypted_pass if {
	encrypted := object.union(flow("mobile", "C2", false), {"protected": true})
	count(bulk_export.deny) == 0 with input as {"operations": [export({}, [encrypted])]}
}
