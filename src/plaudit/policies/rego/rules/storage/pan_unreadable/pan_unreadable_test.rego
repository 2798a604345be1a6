package plaudit.rules.storage.pan_unreadable_test

import rego.v1

import data.plaudit.rules.storage.pan_unreadable

column(protection) := {
	"resource": "pay.public.card.card_no",
	"location": {"path": "schema.sql", "line": 2},
	"category": "account.bank_card",
	"level": "C2",
	"pci": "PAN",
	"protection": protection,
}

test_clear_pan_is_denied if {
	findings := pan_unreadable.deny with input as {"columns": [column("none")]}
	count(findings) == 1
	some f in findings
	f.resource == "pay.public.card.card_no"
	f.location.line == 2
	contains(f.message, "'none'")
}

test_accepted_methods_are_allowed if {
	every method in ["encrypted", "keyed_hash", "tokenized", "truncated"] {
		count(pan_unreadable.deny) == 0 with input as {"columns": [column(method)]}
	}
}

test_unkeyed_hash_masking_and_tde_are_denied if {
	every method in ["kdf_hash", "masked", "tde_only"] {
		count(pan_unreadable.deny) == 1 with input as {"columns": [column(method)]}
	}
}

test_non_pan_column_is_not_in_scope if {
	count(pan_unreadable.deny) == 0 with input as {"columns": [object.union(column("none"), {"pci": null})]}
}
