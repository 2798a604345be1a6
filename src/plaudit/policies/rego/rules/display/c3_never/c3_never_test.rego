package plaudit.rules.display.c3_never_test

import rego.v1

import data.plaudit.rules.display.c3_never

flow(level, masked, hashed) := {
	"view": "lending.public.v_cards",
	"column": "c",
	"sources": ["lending.public.bank_card.cvv"],
	"categories": ["auth.card_verification"],
	"max_level": level,
	"pci": "SAD",
	"masked": masked,
	"hashed": hashed,
	"mask": "left",
	"revealed_left": 1,
	"revealed_right": 0,
	"location": {"path": "views.sql", "line": 3},
}

test_clear_c3_is_denied if {
	findings := c3_never.deny with input as {"flows": [flow("C3", false, false)]}
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.v_cards.c"
	f.location.line == 3
	contains(f.message, "in clear")
}

test_masked_c3_is_still_denied if {
	findings := c3_never.deny with input as {"flows": [flow("C3", true, false)]}
	count(findings) == 1
	some f in findings
	contains(f.message, "masked by left")
}

test_hashed_c3_is_a_verification_result if {
	count(c3_never.deny) == 0 with input as {"flows": [flow("C3", true, true)]}
}

test_c2_is_left_to_the_mask_rule if {
	count(c3_never.deny) == 0 with input as {"flows": [flow("C2", false, false)]}
}

test_no_flows_no_findings if {
	count(c3_never.deny) == 0 with input as {"columns": []}
	count(c3_never.deny) == 0 with input as {"flows": "not a list"}
}

test_one_finding_per_flow if {
	count(c3_never.deny) == 2 with input as {"flows": [flow("C3", false, false), object.union(flow("C3", false, false), {"column": "d"})]}
}
