# METADATA
# title: A PAN mask shows at most the BIN and the last four digits
# description: >-
#   A view that shows a card number (PCI PAN) through a mask may reveal at most the first 6 and the
#   last 4 digits (parameters `pan_max_left`, default 6, 8 where the issuer has 8-digit BINs and a role
#   list; `pan_max_right`, default 4). Only masked flows are judged here: a PAN shown unmasked is
#   JRT0171-DISPLAY-MASK-C2's finding, so each flow is reported by one rule. A mask whose widths the SQL
#   does not say, and a hash, pass.
# custom:
#   rule: PCI341-PAN-MASK-WIDTH
#   kind: unmasked_exposure
#   severity: high
#   references:
#     - PCI DSS v4.0 3.4.1
#     - JR/T 0171-2020 Annex A (unverified)
#   remediation: >-
#     Show at most the BIN and the last four digits, e.g. CONCAT(LEFT(pan, 6), '******', RIGHT(pan, 4));
#     a role with a legitimate business need to see more needs a waiver recording it.
#   title_zh: 银行卡号屏蔽后最多显示发卡行标识码（BIN）及后四位
#   remediation_zh: "最多显示 BIN 及后四位，例如 CONCAT(LEFT(pan, 6), '******', RIGHT(pan, 4))；\
#     有正当业务需要查看更多位数的角色，须登记豁免予以记录。"
package plaudit.rules.display.pan_mask_width

import rego.v1

import data.plaudit.lib.params

# flows is the view lineage of the facts document (docs/facts.md), an empty list when absent or
# malformed so that the in-process engine and OPA agree.
default flows := []

flows := input.flows if is_array(input.flows)

max_left := params.value("pan_max_left", 6)

max_right := params.value("pan_max_right", 4)

deny contains finding if {
	some flow in flows
	flow.pci == "PAN"
	flow.masked == true
	not flow.hashed == true
	too_wide(flow)

	finding := {
		"resource": sprintf("%s.%s", [flow.view, flow.column]),
		"location": object.get(flow, "location", null),
		"message": sprintf(
			"View column %s.%s shows a card number (%s) through %v revealing the first %v and last %v digits; PCI allows at most the first %v and last %v.",
			[flow.view, flow.column, concat(", ", flow.sources), flow.mask, flow.revealed_left, flow.revealed_right, max_left, max_right],
		),
	}
}

too_wide(flow) if {
	is_number(flow.revealed_left)
	flow.revealed_left > max_left
}

too_wide(flow) if {
	is_number(flow.revealed_right)
	flow.revealed_right > max_right
}
