# METADATA
# title: Sensitive columns are not copied in clear into log, analytics or non-production tables
# description: >-
#   `INSERT … SELECT` and `CREATE TABLE … AS SELECT` make a second copy of what they read. Copying C2 or
#   C3 personal information in clear into a log, audit, temp or backup table spreads it to stores with
#   wider access and longer lives (logs must never carry C3 and carry C2 only masked); copying it into
#   an analytics, warehouse or non-production schema puts direct identifiers where pseudonymous keys
#   belong. The target counts as such by its name (log, audit, tmp, bak … tables), by the catalog zone
#   of its table (analytics, nonprod) or by its schema (parameter `analytics_schemas`). Column lineage
#   follows the SELECT: a recognised mask or hash on the way is not a copy in clear.
# custom:
#   rule: PLAUDIT-COPY-TO-LOG-ANALYTICS
#   kind: unmasked_exposure
#   severity: high
#   references:
#     - PCI DSS v4.0 3.5.1
#     - JR/T 0171-2020 6.1.3 (unverified)
#     - GB/T 35273-2020 6.2 (secondary source)
#     - GDPR Art. 32(1)(a) (secondary source)
#   remediation: >-
#     Copy a masked, hashed (keyed) or tokenized form of the column instead, or leave it out of the
#     copy; if the target really must hold the clear value, classify it in the catalog like the source
#     (zone, protection, retention) and record a waiver with the reason.
#   title_zh: 不得将敏感字段明文复制到日志、分析或非生产表
#   remediation_zh: >-
#     改为复制该字段屏蔽、带密钥哈希或令牌化后的形式，或不复制该字段；如目标表确需保存明文，应在数据目录中按源表
#     同等要求登记（区域、保护方式、保存期限），并记录附理由的豁免。
package plaudit.rules.migration.copy_out

import rego.v1

import data.plaudit.lib.facts
import data.plaudit.lib.params

default_analytics_schemas := [
	"analytics", "dw", "dwh", "dwd", "dws", "dm", "ads", "ods", "bi", "report", "reporting",
	"log", "logs", "audit", "tmp", "temp", "staging", "stage", "sandbox", "test", "dev", "uat",
]

analytics_schemas := {lower(s) | some s in params.value("analytics_schemas", default_analytics_schemas)}

deny contains finding if {
	some op in facts.operations
	op.op == "copy"
	where := destination(op)
	some flow in op.flows
	flow.masked != true
	not flow.protected == true
	flow.max_level in {"C2", "C3"}
	finding := {
		"resource": sprintf("%s.%s", [op.resource, flow.column]),
		"location": object.get(op, "location", null),
		"kind": kind_of(where),
		"severity": severity_of(flow),
		"message": sprintf(
			"%s copies %s (%s, %s) in clear into %s, %s; copy a masked, hashed or tokenized form instead.",
			[
				object.get(op, "statement", "A copy"), facts.name_list(flow.sources),
				concat(", ", flow.categories), flow.max_level, op.resource, where,
			],
		),
	}
}

destination(op) := "a log / audit / temp / backup table" if {
	op.is_log == true
} else := sprintf("a table in the %s zone", [op.catalog.zone]) if {
	op.catalog.zone in {"analytics", "nonprod", "edge"}
} else := sprintf("schema %s, an analytics / log / non-production schema", [op.schema]) if {
	is_string(op.schema)
	lower(op.schema) in analytics_schemas
}

kind_of(where) := "pii_in_logs" if {
	startswith(where, "a log")
} else := "unmasked_exposure"

severity_of(flow) := "critical" if {
	flow.max_level == "C3"
} else := "critical" if {
	flow.pci == "PAN"
} else := "high"
