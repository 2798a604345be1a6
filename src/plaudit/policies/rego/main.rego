# METADATA
# title: plaudit router
# description: >-
#   Entry point data.plaudit.main.violations. It walks every package plaudit.rules.<area>.<name>, so a
#   new policy needs no registration here: each finding of a package's `deny` set becomes a violation
#   through plaudit.lib.result, then waivers are applied.
package plaudit.main

import rego.v1

import data.plaudit.lib.result
import data.plaudit.lib.waivers

# A set, not a partial object keyed by id: OPA builds partial objects quadratically. The METADATA is
# looked up once per package, before its findings are walked.
violations contains waivers.apply(result.violation(meta, finding)) if {
	some area, name
	findings := data.plaudit.rules[area][name].deny
	meta := data.plaudit.metadata[concat(".", [area, name])]
	some finding in findings
}
