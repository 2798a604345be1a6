package plaudit.rules.governance.catalog_stale_test

import rego.v1

import data.plaudit.rules.governance.catalog_stale

entry(resource, found) := {
	"resource": resource,
	"kind": "column",
	"found": found,
	"location": {"path": "catalog/lending.yaml", "line": 20},
}

test_missing_entry_is_denied if {
	findings := catalog_stale.deny with input as {"catalog_entries": [entry("lending.public.customer.nickname", false)]}
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.customer.nickname"
	f.location == {"path": "catalog/lending.yaml", "line": 20}
	contains(f.message, "column lending.public.customer.nickname")
}

test_found_entry_is_allowed if {
	count(catalog_stale.deny) == 0 with input as {"catalog_entries": [entry("lending.public.customer.id_no", true)]}
}

test_no_entries_is_allowed if {
	count(catalog_stale.deny) == 0 with input as {}
}

test_only_missing_entries_are_denied if {
	findings := catalog_stale.deny with input as {"catalog_entries": [
		entry("a.b.c", true),
		object.union(entry("a.b.d", false), {"kind": "table", "location": null}),
	]}
	count(findings) == 1
	some f in findings
	f.resource == "a.b.d"
	f.location == null
	startswith(f.message, "The catalog describes table a.b.d")
}

test_a_rename_the_scan_saw_is_the_location if {
	entry := {
		"resource": "lending.public.customer.mobile",
		"kind": "column",
		"found": false,
		"location": {"path": "catalog.yaml", "line": 7},
		"removed_at": {"path": "db/V2__rename.sql", "line": 1},
	}
	findings := catalog_stale.deny with input as {"catalog_entries": [entry]}
	some f in findings
	f.location.path == "db/V2__rename.sql"
	contains(f.message, "renamed or dropped at db/V2__rename.sql:1")
}
