package plaudit.rules.storage.c3_encrypted_test

import rego.v1

import data.plaudit.rules.storage.c3_encrypted

column(category, protection) := {
	"resource": "lending.public.customer.secret",
	"location": {"path": "migrations/V2.sql", "line": 7},
	"category": category,
	"level": "C3",
	"protection": protection,
}

test_plaintext_c3_is_denied if {
	findings := c3_encrypted.deny with input as {"columns": [column("auth.biometric", "none")]}
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.customer.secret"
	f.location == {"path": "migrations/V2.sql", "line": 7}
	contains(f.message, "'none'")
}

test_accepted_methods_are_allowed if {
	every method in ["encrypted", "kdf_hash", "keyed_hash", "tokenized"] {
		count(c3_encrypted.deny) == 0 with input as {"columns": [column("auth.secret", method)]}
	}
}

test_weak_methods_are_denied if {
	every method in ["masked", "truncated", "tde_only"] {
		count(c3_encrypted.deny) == 1 with input as {"columns": [column("auth.secret", method)]}
	}
}

test_missing_protection_counts_as_none if {
	count(c3_encrypted.deny) == 1 with input as {"columns": [object.remove(column("auth.secret", "none"), ["protection"])]}
}

test_card_verification_is_left_to_sad_rule if {
	count(c3_encrypted.deny) == 0 with input as {"columns": [
		column("auth.card_verification", "none"),
		column("auth.card_verification.cvn2", "none"),
	]}
}

test_c2_is_not_in_scope if {
	count(c3_encrypted.deny) == 0 with input as {"columns": [object.union(column("contact.phone", "none"), {"level": "C2"})]}
}
