# METADATA
# title: Policy parameters
# description: >-
#   Thresholds and lists a deployment may tune: the `policy:` section of plaudit.yaml (or of a catalog
#   file; the configuration wins). plaudit passes them as data.plaudit.params; input.params is honoured
#   too, for callers that ship one document to OPA. docs/policies-parameters.md lists every parameter,
#   its default and the rules that read it.
package plaudit.lib.params

import rego.v1

# value is the parameter `name`, or `fallback` (the rule's documented default) when nobody set it.
value(name, fallback) := x if {
	x := data.plaudit.params[name]
} else := x if {
	x := input.params[name]
} else := fallback
