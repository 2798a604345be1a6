package plaudit.lib.data_test

import rego.v1

import data.plaudit.lib.data as sampled

checks := [
	{"check": "plaintext", "resource": "d.s.t.a", "sampled": 10, "matched": 3, "details": {"n": 2}, "error": null},
	{"check": "plaintext", "resource": "d.s.t.b", "sampled": 0, "matched": 0, "details": {}, "error": "permission denied"},
	{"check": "retention", "resource": "d.s.t", "sampled": 5, "matched": 1, "details": {}, "error": null},
]

test_results_skip_failed_checks_and_other_kinds if {
	r := sampled.results("plaintext") with input as {"data_checks": checks}
	[c.resource | some c in r] == ["d.s.t.a"]
}

test_missing_data_checks_read_as_empty if {
	sampled.results("plaintext") == [] with input as {}
	sampled.results("plaintext") == [] with input as {"data_checks": {}}
}

test_detail_is_a_number_or_zero if {
	sampled.detail(checks[0], "n") == 2
	sampled.detail(checks[0], "absent") == 0
	sampled.detail({"details": {"n": "x"}}, "n") == 0
}

test_level_falls_back_to_the_taxonomy if {
	sampled.level({"level": "C3"}) == "C3"
	sampled.level({"category": "identity.national_id"}) == "C2" with input as {"taxonomy": {"identity.national_id": {"level": "C2"}}}
	sampled.level({}) == null
}

test_pan_by_role_or_category if {
	sampled.pan({"pci": "PAN"})
	sampled.pan({"category": "account.bank_card.credit"})
	not sampled.pan({"category": "contact.phone"})
}
