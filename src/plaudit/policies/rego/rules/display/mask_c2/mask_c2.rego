# METADATA
# title: C2 direct identifiers are masked when displayed
# description: >-
#   A view that projects a C2 direct identifier (ID, passport, card and account numbers, mobile, name,
#   address, e-mail) must show it through a recognised mask (RULES.md §4), and the mask may reveal no
#   more leading and trailing characters than the category's profile: parameter `mask_widths`, an
#   object of category -> {"left": n, "right": m}, by default ID number 6+4, mobile 3+4, bank card 6+4.
#   Categories without a profile pass with any recognised mask, and so does a mask whose widths the
#   SQL does not say (a `mask_*` function). A hash shows no characters. Each flow gets one finding.
#   Card numbers that are PCI PAN: an unmasked one is reported here, the width of a masked one by
#   PCI341-PAN-MASK-WIDTH, so that a flow is never reported twice. A role with a documented need to
#   see the clear value is a waiver for this rule.
# custom:
#   rule: JRT0171-DISPLAY-MASK-C2
#   kind: unmasked_exposure
#   severity: high
#   references:
#     - JR/T 0171-2020 6.1.4 (unverified)
#     - JR/T 0171-2020 Annex A (unverified)
#     - GB/T 35273-2020 7.2 (unverified)
#     - PCI DSS v4.0 3.4.1
#   remediation: >-
#     Project the column through a mask that keeps at most the profile's leading and trailing
#     characters, e.g. CONCAT(LEFT(x, 3), '****', RIGHT(x, 4)) for a mobile or a `mask_*` function;
#     if a role truly needs the clear value, record a waiver naming it, with an expiry date.
#   title_zh: C2 类直接标识符展示时须屏蔽
#   remediation_zh: "通过屏蔽表达式输出该字段，最多保留屏蔽规则允许的首尾字符，例如手机号码使用 CONCAT(LEFT(x, 3), '****', RIGHT(x, 4)) 或 `mask_*` 函数；\
#     确有角色需要查看完整信息的，须登记注明该角色且设有到期日的豁免。"
package plaudit.rules.display.mask_c2

import rego.v1

import data.plaudit.lib.facts
import data.plaudit.lib.params

# flows is the view lineage of the facts document (docs/facts.md), an empty list when absent or
# malformed so that the in-process engine and OPA agree.
default flows := []

flows := input.flows if is_array(input.flows)

direct_identifiers := {
	"identity.national_id",
	"identity.passport",
	"account.bank_card",
	"account.bank_account",
	"contact.phone",
	"identity.name",
	"contact.address",
	"contact.email",
}

# RULES.md §4 defaults; the JR/T 0171 Annex A widths are unverified, the PCI one is verified.
default_widths := {
	"identity.national_id": {"left": 6, "right": 4},
	"contact.phone": {"left": 3, "right": 4},
	"account.bank_card": {"left": 6, "right": 4},
}

mask_widths := params.value("mask_widths", default_widths)

deny contains finding if {
	some flow in flows
	is_array(flow.categories)
	offending := sort([category |
		some category in flow.categories
		facts.in_any_category(category, direct_identifiers)
		exposes(flow, category)
	])
	count(offending) > 0

	category := offending[0]
	finding := {
		"resource": sprintf("%s.%s", [flow.view, flow.column]),
		"location": object.get(flow, "location", null),
		"message": sprintf(
			"View column %s.%s shows %s (%s from %s) %s.",
			[flow.view, flow.column, concat(", ", offending), flow.max_level, concat(", ", flow.sources), reason(flow, category)],
		),
	}
}

exposes(flow, _) if flow.masked != true

exposes(flow, category) if {
	flow.masked == true
	not flow.hashed == true
	not flow.pci == "PAN"
	too_wide(flow, category)
}

profiles(category) := [widths |
	is_object(mask_widths)
	some key, widths in mask_widths
	facts.in_category(category, key)
]

too_wide(flow, category) if {
	some profile in profiles(category)
	is_number(flow.revealed_left)
	is_number(profile.left)
	flow.revealed_left > profile.left
}

too_wide(flow, category) if {
	some profile in profiles(category)
	is_number(flow.revealed_right)
	is_number(profile.right)
	flow.revealed_right > profile.right
}

reason(flow, _) := "without a mask" if {
	flow.masked != true
} else := sprintf(
	"through %v revealing the first %v and last %v characters, more than the profile allows (%s)",
	[flow.mask, flow.revealed_left, flow.revealed_right, concat("; ", allowed(category))],
) if {
	category := [c | some c in flow.categories; too_wide(flow, c)][0]
}

allowed(category) := [sprintf("left %v, right %v", [p.left, p.right]) | some p in profiles(category)]
