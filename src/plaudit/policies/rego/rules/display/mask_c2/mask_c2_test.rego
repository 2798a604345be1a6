package plaudit.rules.display.mask_c2_test

import rego.v1

import data.plaudit.rules.display.mask_c2

flow(category, masked, left, right) := {
	"view": "lending.public.v_worklist",
	"column": "c",
	"sources": ["lending.public.customer.c"],
	"categories": [category],
	"max_level": "C2",
	"pci": null,
	"masked": masked,
	"hashed": false,
	"mask": "concat",
	"revealed_left": left,
	"revealed_right": right,
	"location": {"path": "views.sql", "line": 7},
}

test_unmasked_mobile_is_denied if {
	findings := mask_c2.deny with input as {"flows": [flow("contact.phone", false, null, null)]}
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.v_worklist.c"
	contains(f.message, "without a mask")
}

test_mobile_at_the_profile_boundary_is_allowed if {
	count(mask_c2.deny) == 0 with input as {"flows": [flow("contact.phone", true, 3, 4)]}
}

test_mobile_one_more_character_is_denied if {
	count(mask_c2.deny) == 1 with input as {"flows": [flow("contact.phone", true, 4, 4)]}
	count(mask_c2.deny) == 1 with input as {"flows": [flow("contact.phone", true, 3, 5)]}
}

test_id_number_profile_is_six_and_four if {
	count(mask_c2.deny) == 0 with input as {"flows": [flow("identity.national_id", true, 6, 4)]}
	count(mask_c2.deny) == 1 with input as {"flows": [flow("identity.national_id", true, 7, 4)]}
}

test_widths_are_parameters if {
	count(mask_c2.deny) == 1 with input as {"flows": [flow("identity.national_id", true, 6, 4)]}
		with data.plaudit.params as {"mask_widths": {"identity.national_id": {"left": 1, "right": 1}}}
}

test_unknown_widths_and_hashes_pass if {
	count(mask_c2.deny) == 0 with input as {"flows": [flow("contact.phone", true, null, null)]}
	count(mask_c2.deny) == 0 with input as {"flows": [object.union(flow("contact.phone", true, 0, 0), {"hashed": true})]}
}

test_category_without_profile_passes_with_any_mask if {
	count(mask_c2.deny) == 0 with input as {"flows": [flow("identity.name", true, 40, 0)]}
	count(mask_c2.deny) == 1 with input as {"flows": [flow("identity.name", false, null, null)]}
}

test_child_category_inherits_profile if {
	count(mask_c2.deny) == 1 with input as {"flows": [flow("identity.national_id.hk_permit", true, 7, 0)]}
}

test_not_a_direct_identifier if {
	count(mask_c2.deny) == 0 with input as {"flows": [flow("credit.record", false, null, null)]}
}

test_pan_width_is_left_to_pan_rule if {
	pan := object.union(flow("account.bank_card", true, 8, 4), {"pci": "PAN"})
	count(mask_c2.deny) == 0 with input as {"flows": [pan]}
	count(mask_c2.deny) == 1 with input as {"flows": [object.union(pan, {"masked": false})]}
}

test_one_finding_per_flow if {
	two := object.union(flow("contact.phone", false, null, null), {"categories": ["contact.phone", "identity.name"]})
	count(mask_c2.deny) == 1 with input as {"flows": [two]}
}
