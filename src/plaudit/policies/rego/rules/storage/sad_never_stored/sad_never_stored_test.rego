package plaudit.rules.storage.sad_never_stored_test

import rego.v1

import data.plaudit.rules.storage.sad_never_stored

column(category, protection) := {
	"resource": "pay.public.card.cvv2",
	"location": {"path": "schema.sql", "line": 3},
	"category": category,
	"level": "C3",
	"pci": null,
	"protection": protection,
}

test_clear_cvv_is_denied if {
	findings := sad_never_stored.deny with input as {"columns": [column("auth.card_verification", "none")]}
	count(findings) == 1
	some f in findings
	f.resource == "pay.public.card.cvv2"
	contains(f.message, "never be stored")
}

test_encrypted_cvv_is_still_denied if {
	every method in ["encrypted", "kdf_hash", "tokenized", "keyed_hash"] {
		count(sad_never_stored.deny) == 1 with input as {"columns": [column("auth.card_verification", method)]}
	}
}

test_child_category_is_denied if {
	count(sad_never_stored.deny) == 1 with input as {"columns": [column("auth.card_verification.track2", "encrypted")]}
}

test_taxonomy_sad_role_is_denied if {
	count(sad_never_stored.deny) == 1 with input as {"columns": [object.union(column("custom.pin_block", "encrypted"), {"pci": "SAD"})]}
}

test_similar_prefix_is_not_a_child if {
	count(sad_never_stored.deny) == 0 with input as {"columns": [column("auth.card_verification_log", "none")]}
}

test_password_is_not_sad if {
	count(sad_never_stored.deny) == 0 with input as {"columns": [column("auth.password", "none")]}
}
