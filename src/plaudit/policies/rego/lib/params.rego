# METADATA
# title: Policy parameters
# description: >-
#   Thresholds a deployment may tune (plaudit.yaml `params:`). plaudit passes them as
#   data.plaudit.params; input.params is honoured too, for callers that ship one document to OPA.
package plaudit.lib.params

import rego.v1

# value is the parameter `name`, or `fallback` (the rule's documented default) when nobody set it.
value(name, fallback) := x if {
	x := data.plaudit.params[name]
} else := x if {
	x := input.params[name]
} else := fallback
