package plaudit.rules.data.soft_delete_retained_test

import rego.v1

import data.plaudit.rules.data.soft_delete_retained

check(n) := {
	"check": "retention", "resource": "d.s.customer", "sampled": 20, "matched": 0, "error": null,
	"details": {"period": "5y", "anchor": "closed_at", "cutoff": "2021-06-01", "expired_rows": 0, "soft_deleted_with_pi": n},
}

table := {"resource": "d.s.customer", "max_level": "C2", "location": {"path": "db#s.customer", "line": null}}

findings(c) := fs if {
	fs := soft_delete_retained.deny with input as {"tables": [table], "data_checks": [c]}
}

test_one_soft_deleted_row_with_pi_is_a_finding if {
	fs := findings(check(1))
	count(fs) == 1
	some f in fs
	f.resource == "d.s.customer"
	f.location.path == "db#s.customer"
	not "severity" in object.keys(f)
	contains(f.message, "d.s.customer has 1 soft-deleted rows")
	contains(f.message, "null or anonymise")
	contains(f.message, "purge")
}

test_zero_soft_deleted_rows_no_finding if {
	count(findings(check(0))) == 0
}

test_detail_absent_or_not_a_number_no_finding if {
	count(findings(object.remove(check(3), ["details"]))) == 0
	count(findings({"check": "retention", "resource": "d.s.customer", "details": {"expired_rows": 4}})) == 0
	count(findings(check("3"))) == 0
}

test_errored_check_proves_nothing if {
	count(findings(object.union(check(5), {"error": "permission denied for table customer"}))) == 0
}

test_other_checks_are_ignored if {
	count(findings(object.union(check(5), {"check": "log_pii"}))) == 0
}

test_min_rows_parameter_is_a_threshold if {
	c := {"tables": [table], "data_checks": [check(4)]}
	count(soft_delete_retained.deny) == 0 with input as c with data.plaudit.params as {"soft_delete_min_rows": 5}
	count(soft_delete_retained.deny) == 1 with input as {"tables": [table], "data_checks": [check(5)]}
		with data.plaudit.params as {"soft_delete_min_rows": 5}
	count(soft_delete_retained.deny) == 1 with input as object.union(c, {"params": {"soft_delete_min_rows": 4}})
}

test_min_rows_zero_still_needs_a_row if {
	count(soft_delete_retained.deny) == 0 with input as {"tables": [table], "data_checks": [check(0)]}
		with data.plaudit.params as {"soft_delete_min_rows": 0}
}

test_table_missing_from_facts_is_still_reported if {
	fs := soft_delete_retained.deny with input as {"data_checks": [check(2)]}
	[f.location | some f in fs] == [null]
}
