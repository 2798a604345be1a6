# METADATA
# title: C3 authentication data is never displayed
# description: >-
#   A view that projects C3 user-authentication data (passwords, PINs, card verification codes, track
#   data, biometric templates, card expiry) puts it in front of whoever reads the view. JR/T 0171 allows
#   no display of C3 at all, masked or not: only verification results leave the secure zone. A
#   projection through a hash counts as such a result and is not reported; a comparison, a WHERE or a
#   JOIN condition leaves no flow at all. Judged on the `flows` of view lineage.
# custom:
#   rule: JRT0171-DISPLAY-C3-NEVER
#   kind: unmasked_exposure
#   severity: critical
#   references:
#     - JR/T 0171-2020 6.1.4 (unverified)
#     - JR/T 0171-2020 Annex A (unverified)
#     - PCI DSS v4.0 3.3.1
#   remediation: >-
#     Remove the column from the view's SELECT list; return a verification result (a comparison or a
#     flag computed in the secure zone) instead of the value, masked or not.
#   title_zh: C3 类用户鉴别信息不得展示
#   remediation_zh: "从视图的 SELECT 列表中移除该字段；改为返回在安全区内计算的验证结果（比对结果或标志位），无论是否屏蔽均不得返回原值。"
package plaudit.rules.display.c3_never

import rego.v1

# flows is the view lineage of the facts document (docs/facts.md), an empty list when absent or
# malformed so that the in-process engine and OPA agree.
default flows := []

flows := input.flows if is_array(input.flows)

deny contains finding if {
	some flow in flows
	flow.max_level == "C3"
	not flow.hashed == true

	finding := {
		"resource": sprintf("%s.%s", [flow.view, flow.column]),
		"location": object.get(flow, "location", null),
		"message": sprintf(
			"View column %s.%s shows C3 authentication data (%s from %s) %s; C3 may never be displayed, not even masked.",
			[flow.view, flow.column, concat(", ", flow.categories), concat(", ", flow.sources), shown(flow)],
		),
	}
}

shown(flow) := "in clear" if {
	flow.masked != true
} else := sprintf("masked by %v", [flow.mask])
