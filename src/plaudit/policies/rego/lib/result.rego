# METADATA
# title: Violation builder
# description: >-
#   The one place where a rule's finding becomes a violation (SPEC §6). Rule ids, kinds, titles,
#   references and remediation come from the package METADATA, which plaudit parses when it loads the
#   policies and passes as data.plaudit.metadata["<area>.<name>"] (the in-process engine has no
#   rego.metadata.chain()). A finding may override `severity`, `kind` and `remediation`.
package plaudit.lib.result

import rego.v1

# violation merges the rule's METADATA with one finding: `resource`, `message` and `location` come from
# the finding, which may also override `severity`, `kind` and `remediation`. Other keys are dropped.
violation(meta, finding) := object.union(
	{
		"rule": meta.rule,
		"kind": meta.kind,
		"severity": meta.severity,
		"title": meta.title,
		"remediation": meta.remediation,
		"references": meta.references,
		"location": null,
	},
	object.filter(finding, finding_keys),
)

finding_keys := {"resource", "message", "location", "severity", "kind", "remediation"}
