package plaudit.rules.data.log_pii_test

import rego.v1

import data.plaudit.rules.data.log_pii

check(kinds) := {
	"check": "log_pii", "resource": "d.s.app_log", "sampled": 4, "matched": 3, "error": null,
	"details": {"kinds": kinds, "masked_exemplars": {}},
}

findings(c) := fs if {
	fs := log_pii.deny with input as {"data_checks": [c]}
}

test_c2_identifiers_are_high if {
	fs := findings(check({"mobile": 1, "resident_id": 1}))
	count(fs) == 1
	some f in fs
	f.severity == "high"
	contains(f.message, "mobile: 1, resident_id: 1")
}

test_secrets_and_cards_are_critical if {
	every kind in ["secret_kv", "bank_card", "track"] {
		some f in findings(check({kind: 1, "mobile": 2}))
		f.severity == "critical"
	}
}

test_clean_log_passes if {
	count(findings(check({}))) == 0
	count(findings(check({"mobile": 0}))) == 0
}

test_failed_check_proves_nothing if {
	count(findings(object.union(check({"mobile": 3}), {"error": "permission denied"}))) == 0
}
