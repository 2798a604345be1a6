# METADATA
# title: Purges respect the legal retention floor (AML)
# description: >-
#   Minimisation must not destroy evidence the law requires to be kept: under the Anti-Money Laundering
#   Law (2024 revision) customer-identity data is kept at least 10 years after the relationship ends and
#   transaction records at least 10 years after the transaction. This guard takes precedence over the
#   retention and deletion rules. A table counts as AML-relevant when it holds one of the categories of
#   parameter `aml_categories` (identity documents, KYC media, transactions) or declares a
#   `retention.legal_floor`. Findings: such a table whose catalog entry declares a retention without a
#   legal floor, or a floor or period below parameter `aml_floor` (default 10y); and, in scanned SQL,
#   a TRUNCATE or DROP of such a table, or a DELETE whose age predicate removes rows younger than the
#   floor, unless annotated `-- plaudit: approved ticket="…"` (e.g. after archiving).
# custom:
#   rule: AML-RETENTION-FLOOR
#   kind: retention_floor_violated
#   severity: high
#   references:
#     - Anti-Money Laundering Law of the PRC (2024 revision) (unverified, article number and period)
#     - PBOC Order 2022 No. 1 (secondary source)
#     - PIPL Art. 19
#   remediation: >-
#     Declare `retention.legal_floor` (at least the AML floor) for the table in the catalog, keep the
#     purge's age threshold at or above it, and archive rows to the restricted archive zone instead of
#     truncating or dropping them; if the data is truly out of AML scope, say so with a waiver.
#   title_zh: 清理数据不得突破法定最短保存期限（反洗钱）
#   remediation_zh: >-
#     在数据目录中为该表声明 `retention.legal_floor`（不低于反洗钱法定期限），清理任务的时间阈值不得低于该期限；
#     应将数据归档至受限归档区而不是清空或删除表；如数据确不属于反洗钱范围，请以豁免说明。
package plaudit.rules.lifecycle.aml_floor

import rego.v1

import data.plaudit.lib.facts
import data.plaudit.lib.params
import data.plaudit.lib.duration

default_aml_categories := ["identity.national_id", "identity.passport", "media.photo", "financial.transaction"]

aml_scope := facts.tree({c | some c in params.value("aml_categories", default_aml_categories)})

aml_floor := params.value("aml_floor", "10y")

floor_days := duration.days(aml_floor)

aml_relevant(categories) if {
	some c in categories
	c in aml_scope
}

# (table resource, category) of every classified column: one pass over the columns, then a set
# lookup per table and AML category, where filtering the columns per table would be quadratic.
table_category_pairs contains [facts.table_resource(column), column.category] if {
	some column in facts.columns
	is_string(column.category)
}

aml_categories_of(table) := {c | some c in aml_scope; [table.resource, c] in table_category_pairs}

# The catalog entry of an AML-relevant table: no floor, or a floor or period below the AML floor.
deny contains finding if {
	some table in facts.pi_tables
	entry := table.catalog
	is_object(entry.retention)
	found := aml_categories_of(table)
	count(found) > 0
	problem := entry_problem(entry.retention)
	finding := {
		"resource": table.resource,
		"location": object.get(entry, "location", null),
		"message": sprintf(
			"Table %s holds AML-relevant data (%s) but its catalog retention %s; keep it at least %s.",
			[table.resource, concat(", ", sort(found)), problem, aml_floor],
		),
	}
}

entry_problem(retention) := "declares no legal_floor" if {
	not facts.filled(retention, "legal_floor")
} else := sprintf("has legal_floor %s, below the AML floor", [retention.legal_floor]) if {
	duration.days(retention.legal_floor) < floor_days
} else := sprintf("has period %s, shorter than its legal_floor %s", [retention.period, retention.legal_floor]) if {
	duration.days(retention.period) < duration.days(retention.legal_floor)
}

# The floor a destructive statement is judged against: the declared one, else the AML floor for
# tables that hold AML-relevant categories.
op_floor(op) := [op.catalog.retention.legal_floor, duration.days(op.catalog.retention.legal_floor)] if {
	duration.days(op.catalog.retention.legal_floor)
} else := [aml_floor, floor_days] if {
	aml_relevant(op.categories)
}

deny contains finding if {
	some op in facts.operations
	op.op in {"truncate", "drop"}
	not is_string(op.approval)
	floor := op_floor(op)
	finding := {
		"resource": op.resource,
		"location": object.get(op, "location", null),
		"message": sprintf(
			"%s of %s destroys records under a legal retention floor of %s; archive them (and annotate the approved statement) instead.",
			[upper(op.op), op.resource, floor[0]],
		),
	}
}

deny contains finding if {
	some op in facts.operations
	op.op == "delete"
	not is_string(op.approval)
	floor := op_floor(op)
	op.older_than_days < floor[1]
	finding := {
		"resource": op.resource,
		"location": object.get(op, "location", null),
		"message": sprintf(
			"This purge deletes rows of %s older than %d days by %s, before the legal retention floor of %s (%d days); raise the threshold to the floor.",
			[op.resource, op.older_than_days, op.anchor, floor[0], floor[1]],
		),
	}
}
