package plaudit.rules.storage.c2_protect_test

import rego.v1

import data.plaudit.rules.storage.c2_protect

column(category, protection) := {
	"resource": "lending.public.customer.c",
	"location": null,
	"category": category,
	"level": "C2",
	"pci": null,
	"protection": protection,
}

test_clear_id_number_is_denied if {
	findings := c2_protect.deny with input as {"columns": [column("identity.national_id", "none")]}
	count(findings) == 1
	some f in findings
	f.location == null
	contains(f.message, "identity.national_id")
}

test_masked_is_not_storage_protection if {
	count(c2_protect.deny) == 1 with input as {"columns": [column("contact.phone", "masked")]}
}

test_protected_identifiers_are_allowed if {
	every method in ["encrypted", "tokenized", "keyed_hash", "kdf_hash", "truncated"] {
		count(c2_protect.deny) == 0 with input as {"columns": [column("identity.passport", method)]}
	}
}

test_other_c2_categories_are_not_in_scope if {
	count(c2_protect.deny) == 0 with input as {"columns": [column("identity.name", "none"), column("contact.email", "none")]}
}

test_child_category_is_in_scope if {
	count(c2_protect.deny) == 1 with input as {"columns": [column("identity.national_id.hk_permit", "none")]}
}

test_pan_is_left_to_pan_rule if {
	count(c2_protect.deny) == 0 with input as {"columns": [object.union(column("account.bank_card", "none"), {"pci": "PAN"})]}
}

test_bank_card_without_pan_role_is_denied if {
	count(c2_protect.deny) == 1 with input as {"columns": [column("account.bank_card", "none")]}
}

test_missing_pci_field_is_in_scope if {
	count(c2_protect.deny) == 1 with input as {"columns": [object.remove(column("contact.phone", "none"), ["pci"])]}
}

test_view_columns_are_left_to_exposure_rules if {
	count(c2_protect.deny) == 0 with input as {
		"tables": [{"resource": "lending.public.v_customer", "kind": "view"}],
		"columns": [object.union(column("identity.national_id", "none"), {
			"resource": "lending.public.v_customer.id_no",
			"column": "id_no",
		})],
	}
}
