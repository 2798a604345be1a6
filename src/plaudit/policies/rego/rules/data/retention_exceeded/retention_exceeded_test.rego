package plaudit.rules.data.retention_exceeded_test

import rego.v1

import data.plaudit.rules.data.retention_exceeded

check(expired) := {
	"check": "retention", "resource": "d.s.customer", "sampled": 20, "matched": expired, "error": null,
	"details": {"period": "5y", "anchor": "closed_at", "cutoff": "2021-06-01", "oldest_age_days": 4169, "expired_rows": expired},
}

table(level) := {"resource": "d.s.customer", "max_level": level, "location": {"path": "db#s.customer", "line": null}}

findings(tables, c) := fs if {
	fs := retention_exceeded.deny with input as {"tables": tables, "data_checks": [c]}
}

test_one_expired_row_is_a_finding if {
	fs := findings([table("C2")], check(1))
	count(fs) == 1
	some f in fs
	f.severity == "high"
	f.location.path == "db#s.customer"
	contains(f.message, "1 rows older than its retention of 5y")
	contains(f.message, "oldest 4169 days")
}

test_no_expired_rows_no_finding if {
	count(findings([table("C2")], check(0))) == 0
}

test_c3_table_is_critical if {
	some f in findings([table("C3")], check(5))
	f.severity == "critical"
}

test_failed_count_proves_nothing if {
	count(findings([table("C3")], object.union(check(5), {"error": "canceling statement due to statement timeout"}))) == 0
}

test_table_missing_from_facts_is_still_reported if {
	some f in findings([], check(2))
	f.location == null
	f.severity == "high"
}
