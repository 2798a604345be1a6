package plaudit.rules.data.weak_ciphertext_test

import rego.v1

import data.plaudit.rules.data.weak_ciphertext

check(details) := {
	"check": "ciphertext", "resource": "d.s.customer.mobile_enc", "sampled": 20, "matched": 0, "error": null,
	"details": object.union(
		{
			"verdict": "weak", "entropy_bits_per_byte": 7.7, "entropy_expected_if_random": 7.7,
			"duplicate_rate": 0, "raw_plaintext": 0, "base64_of_plaintext": 0, "printable_payloads": 0,
		},
		details,
	),
}

findings(c) := fs if {
	fs := weak_ciphertext.deny with input as {"data_checks": [c]}
}

test_base64_of_plaintext_is_weak if {
	fs := findings(check({"verdict": "plaintext", "base64_of_plaintext": 20, "entropy_bits_per_byte": 3.3}))
	count(fs) == 1
	some f in fs
	contains(f.message, "20 decode from base64/hex")
	contains(f.message, "entropy 3.30")
}

test_strong_ciphertext_passes if {
	count(findings(check({"verdict": "strong"}))) == 0
}

test_duplicate_rate_boundary if {
	count(findings(check({"duplicate_rate": 0.05}))) == 0
	some f in findings(check({"duplicate_rate": 0.06}))
	contains(f.message, "6% of values repeat")
}

test_entropy_boundary if {
	count(findings(check({"entropy_bits_per_byte": 6.95}))) == 0
	count(findings(check({"entropy_bits_per_byte": 6.94}))) == 1
}

test_clear_text_without_envelope_is_left_to_the_plaintext_rule if {
	count(findings(check({"verdict": "plaintext", "raw_plaintext": 20}))) == 0
}
