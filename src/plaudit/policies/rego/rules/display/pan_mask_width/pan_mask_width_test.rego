package plaudit.rules.display.pan_mask_width_test

import rego.v1

import data.plaudit.rules.display.pan_mask_width

flow(left, right) := {
	"view": "lending.public.v_cards",
	"column": "card",
	"sources": ["lending.public.bank_card.yhkh"],
	"categories": ["account.bank_card"],
	"max_level": "C2",
	"pci": "PAN",
	"masked": true,
	"hashed": false,
	"mask": "concat",
	"revealed_left": left,
	"revealed_right": right,
	"location": {"path": "views.sql", "line": 9},
}

test_bin_and_last_four_are_allowed if {
	count(pan_mask_width.deny) == 0 with input as {"flows": [flow(6, 4)]}
}

test_seven_leading_digits_are_denied if {
	findings := pan_mask_width.deny with input as {"flows": [flow(7, 4)]}
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.v_cards.card"
	contains(f.message, "first 7")
}

test_five_trailing_digits_are_denied if {
	count(pan_mask_width.deny) == 1 with input as {"flows": [flow(0, 5)]}
}

test_eight_digit_bin_by_parameter if {
	count(pan_mask_width.deny) == 0 with input as {"flows": [flow(8, 4)]} with data.plaudit.params as {"pan_max_left": 8}
	count(pan_mask_width.deny) == 1 with input as {"flows": [flow(9, 4)]} with data.plaudit.params as {"pan_max_left": 8}
}

test_unmasked_pan_is_left_to_mask_rule if {
	count(pan_mask_width.deny) == 0 with input as {"flows": [object.union(flow(null, null), {"masked": false})]}
}

test_unknown_widths_hashes_and_non_pan_pass if {
	count(pan_mask_width.deny) == 0 with input as {"flows": [flow(null, null)]}
	count(pan_mask_width.deny) == 0 with input as {"flows": [object.union(flow(0, 0), {"hashed": true, "revealed_left": 64})]}
	count(pan_mask_width.deny) == 0 with input as {"flows": [object.union(flow(12, 4), {"pci": null})]}
}
