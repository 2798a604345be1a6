package plaudit.rules.data.plaintext_protected_test

import rego.v1

import data.plaudit.rules.data.plaintext_protected

column(category, level) := {
	"resource": "d.s.customer.c", "category": category, "level": level, "pci": null,
	"protection": "encrypted", "location": null,
}

check(matched) := {
	"check": "plaintext", "resource": "d.s.customer.c", "sampled": 20, "matched": matched,
	"rate": matched / 20, "error": null,
	"details": {"declared": "encrypted", "category": "identity.national_id", "masked_exemplar": "110***********002X"},
}

findings(columns, checks) := fs if {
	fs := plaintext_protected.deny with input as {"columns": columns, "data_checks": checks}
}

test_one_plaintext_value_is_enough if {
	fs := findings([column("identity.national_id", "C2")], [check(1)])
	count(fs) == 1
	some f in fs
	f.severity == "high"
	contains(f.message, "1 of 20")
	contains(f.message, "110***********002X")
}

test_no_plaintext_no_finding if {
	count(findings([column("identity.national_id", "C2")], [check(0)])) == 0
}

test_c3_and_pan_are_critical if {
	some f in findings([column("auth.password", "C3")], [check(3)])
	f.severity == "critical"
	some g in findings([object.union(column("account.bank_card", "C2"), {"pci": "PAN"})], [check(3)])
	g.severity == "critical"
}

test_failed_check_proves_nothing if {
	count(findings([column("identity.national_id", "C2")], [object.union(check(5), {"error": "timeout"})])) == 0
}

test_column_missing_from_facts_uses_the_check_category if {
	pan := object.union(check(2), {"details": {"declared": "tokenized", "category": "account.bank_card"}})
	some f in findings([], [pan])
	f.severity == "critical"
	f.location == null
	contains(f.message, "declared 'tokenized'")
}
