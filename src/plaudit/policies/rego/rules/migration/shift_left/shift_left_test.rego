package plaudit.rules.migration.shift_left_test

import rego.v1

import data.plaudit.rules.migration.shift_left

column(extra) := object.union(
	{
		"resource": "lending.public.customer.wechat_id",
		"schema": "public",
		"table": "customer",
		"column": "wechat_id",
		"category": "account.username",
		"level": "C2",
		"in_catalog": false,
		"added": true,
		"location": {"path": "db/V7__wechat.sql", "line": 3},
	},
	extra,
)

table(entry) := {"resource": "lending.public.customer", "kind": "table", "catalog": entry}

full_entry := {"purposes": ["account_servicing"], "retention": {"period": "5y", "anchor": "closed_at"}}

test_added_column_without_any_entry if {
	findings := shift_left.deny with input as {"columns": [column({})], "tables": [table(null)]}
	count(findings) == 1
	some f in findings
	f.kind == "untagged_pii"
	f.location.line == 3
	contains(f.message, "purposes, retention")
}

test_added_column_of_catalogued_table_needs_its_own_entry if {
	findings := shift_left.deny with input as {"columns": [column({})], "tables": [table(full_entry)]}
	some f in findings
	f.kind == "untagged_pii"
	not contains(f.message, "retention")
}

test_catalogued_column_of_table_without_retention if {
	findings := shift_left.deny with input as {
		"columns": [column({"in_catalog": true})],
		"tables": [table({"purposes": ["marketing"], "retention": null})],
	}
	some f in findings
	f.kind == "retention_undeclared"
}

test_catalogued_column_of_table_without_purposes if {
	findings := shift_left.deny with input as {
		"columns": [column({"in_catalog": true})],
		"tables": [table({"purposes": [], "retention": {"period": "1y"}})],
	}
	some f in findings
	f.kind == "missing_purpose_or_basis"
}

test_fully_declared_change_passes if {
	count(shift_left.deny) == 0 with input as {"columns": [column({"in_catalog": true})], "tables": [table(full_entry)]}
}

test_columns_not_added_by_the_change_are_left_alone if {
	count(shift_left.deny) == 0 with input as {"columns": [column({"added": false})], "tables": [table(null)]}
	count(shift_left.deny) == 0 with input as {"columns": [object.remove(column({}), ["added"])], "tables": [table(null)]}
}

test_non_personal_columns_are_left_alone if {
	count(shift_left.deny) == 0 with input as {"columns": [column({"category": null})], "tables": [table(null)]}
}

test_view_columns_are_left_alone if {
	count(shift_left.deny) == 0 with input as {
		"columns": [column({"resource": "lending.public.v.wechat_id", "table": "v"})],
		"tables": [{"resource": "lending.public.v", "kind": "view", "catalog": null}],
	}
}
