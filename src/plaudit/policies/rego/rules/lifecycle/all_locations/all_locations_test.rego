package plaudit.rules.lifecycle.all_locations_test

import rego.v1

import data.plaudit.rules.lifecycle.all_locations

table(name, catalog) := {
	"resource": sprintf("lending.public.%s", [name]), "schema": "public", "table": name, "kind": "table",
	"pi_columns": ["id_no"], "columns": ["id_no"], "location": {"path": "V1.sql", "line": 3}, "catalog": catalog,
}

source := table("customer", {"retention": {"period": "5y", "anchor": "closed_at"}})

test_backup_without_retention_is_denied if {
	findings := all_locations.deny with input as {"tables": [source, table("customer_bak", {})]}
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.customer_bak"
	contains(f.message, "copy of lending.public.customer")
	not f.kind
}

test_dated_copy_longer_than_source_is_exceeded if {
	findings := all_locations.deny with input as {"tables": [source, table("customer_2023", {"retention": {"period": "10y"}})]}
	count(findings) == 1
	some f in findings
	f.kind == "retention_exceeded"
	contains(f.message, "10y, longer than the source's 5y")
}

test_copy_within_source_retention_is_allowed if {
	count(all_locations.deny) == 0 with input as {"tables": [source, table("customer_copy", {"retention": {"period": "60m"}})]}
	count(all_locations.deny) == 0 with input as {"tables": [source, table("customer_20230115", {"retention": {"period": "30d"}})]}
}

test_backup_cycle_parameter if {
	tables := [source, table("customer_bak", {"retention": {"period": "62m"}})]
	count(all_locations.deny) == 1 with input as {"tables": tables}
	count(all_locations.deny) == 0 with input as {"tables": tables} with data.plaudit.params as {"backup_cycle": "90d"}
}

test_catalog_copy_of_and_role if {
	count(all_locations.deny) == 1 with input as {"tables": [source, table("snapshot_x", {"copy_of": "public.customer", "retention": {"period": "6y"}})]}
	count(all_locations.deny) == 1 with input as {"tables": [source, table("snapshot_y", {"role": "archive"})]}
	count(all_locations.deny) == 0 with input as {"tables": [source, table("snapshot_z", {"role": "business"})]}
}

test_name_suffix_without_a_source_table_is_not_a_copy if {
	count(all_locations.deny) == 0 with input as {"tables": [table("orders_2023", {})]}
}

test_copy_in_another_schema_is_not_matched_by_name if {
	other := object.union(table("customer_bak", {}), {"schema": "ops", "resource": "lending.ops.customer_bak"})
	count(all_locations.deny) == 0 with input as {"tables": [source, other]}
}

test_source_without_retention_is_left_to_the_declared_rule if {
	count(all_locations.deny) == 0 with input as {"tables": [table("customer", {}), table("customer_bak", {"retention": {"period": "1y"}})]}
}

test_copies_without_pi_are_not_in_scope if {
	count(all_locations.deny) == 0 with input as {"tables": [source, object.union(table("customer_bak", {}), {"pi_columns": []})]}
}
