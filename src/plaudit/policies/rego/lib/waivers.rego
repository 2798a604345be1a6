# METADATA
# title: Waivers
# description: >-
#   A waiver (the catalog's `exceptions:`, passed as input.waivers with `expired` already evaluated)
#   matches a violation when it names the violation's rule id or kind and its resource equals the
#   violation's resource or glob-matches it (`*` within one dot-separated segment, `**` across).
#   Only an unexpired waiver suppresses; expired ones are listed by the pipeline, never silently honoured.
package plaudit.lib.waivers

import rego.v1

import data.plaudit.lib.facts.waivers as declared_waivers

# apply returns the violation with `waived` and `waiver` set. A waiver naming the rule id is preferred
# to one naming the kind; among equals, the catalog's order decides.
apply(violation) := object.union(violation, {"waived": true, "waiver": summary(matching[0])}) if {
	candidates := array.concat(object.get(active, violation.rule, []), object.get(active, violation.kind, []))
	matching := [w | some w in candidates; resource_matches(w.resource, violation.resource)]
	count(matching) > 0
} else := object.union(violation, {"waived": false, "waiver": null})

# active indexes the unexpired waivers by the rule id or kind they name. Expired waivers never
# suppress anything, and the index spares every violation a scan of every waiver.
active := {rule: [w | some w in declared_waivers; w.rule == rule; not expired(w)] |
	some waiver in declared_waivers
	rule := waiver.rule
	is_string(rule)
}

expired(waiver) if waiver.expired == true

resource_matches(pattern, resource) if pattern == resource

resource_matches(pattern, resource) if {
	is_string(pattern)
	contains(pattern, "*")
	glob.match(escape(pattern), ["."], resource)
}

# escape quotes every glob metacharacter except `*`: a resource may contain `[` or `{` (quoted
# identifiers), and an invalid pattern would abort the whole evaluation instead of failing one match.
escape(pattern) := regex.replace(pattern, `([\\\[\]{}?])`, `\$1`)

summary(waiver) := {
	"rule": waiver.rule,
	"resource": waiver.resource,
	"owner": object.get(waiver, "owner", null),
	"reason": object.get(waiver, "reason", null),
	"expires": object.get(waiver, "expires", null),
}
