package plaudit.rules.storage.no_tde_only_test

import rego.v1

import data.plaudit.rules.storage.no_tde_only

column(category, level, pci, protection) := {
	"resource": "lending.public.card.c",
	"column": "c",
	"location": {"path": "V1.sql", "line": 3},
	"category": category,
	"level": level,
	"pci": pci,
	"protection": protection,
}

test_pan_with_tde_only_is_denied if {
	findings := no_tde_only.deny with input as {"columns": [column("account.bank_card", "C2", "PAN", "tde_only")]}
	count(findings) == 1
	some f in findings
	f.location.line == 3
	contains(f.message, "PAN")
}

test_c3_with_tde_only_is_denied if {
	count(no_tde_only.deny) == 1 with input as {"columns": [column("auth.biometric", "C3", null, "tde_only")]}
}

test_c3_level_from_taxonomy_when_column_has_none if {
	count(no_tde_only.deny) == 1 with input as {
		"taxonomy": {"auth.biometric.face": {"level": "C3"}},
		"columns": [object.remove(column("auth.biometric.face", null, null, "tde_only"), ["level"])],
	}
}

test_child_of_bank_card_is_a_pan if {
	count(no_tde_only.deny) == 1 with input as {"columns": [column("account.bank_card.corporate", "C2", null, "tde_only")]}
}

test_field_level_protection_is_allowed if {
	every method in ["encrypted", "tokenized", "keyed_hash", "truncated"] {
		count(no_tde_only.deny) == 0 with input as {"columns": [column("account.bank_card", "C2", "PAN", method)]}
	}
}

test_c2_non_pan_with_tde_only_is_not_in_scope if {
	count(no_tde_only.deny) == 0 with input as {"columns": [column("contact.phone", "C2", null, "tde_only")]}
}

test_missing_protection_is_not_tde_only if {
	count(no_tde_only.deny) == 0 with input as {"columns": [object.remove(column("account.bank_card", "C2", "PAN", "x"), ["protection"])]}
}

test_view_columns_are_not_in_scope if {
	count(no_tde_only.deny) == 0 with input as {
		"tables": [{"resource": "lending.public.v_card", "kind": "view"}],
		"columns": [object.union(column("account.bank_card", "C2", "PAN", "tde_only"), {"resource": "lending.public.v_card.c"})],
	}
}
