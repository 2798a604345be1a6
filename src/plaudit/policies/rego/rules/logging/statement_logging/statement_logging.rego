# METADATA
# title: Statement logging does not write personal financial information to the log
# description: >-
#   PostgreSQL `log_statement = all` or `mod` writes every (modifying) statement with its literal values
#   to the server log, so C3 and C2 personal information lands there in clear. A database with such a
#   setting fails when it holds C2 or C3 columns: critical when any column is C3, high when only C2.
#   Judged only on what a live scan read: when `log_statement` is absent (SQL-file scans, or a setting
#   the account cannot read) there is no finding.
# custom:
#   rule: LOG-STATEMENT-LITERALS
#   kind: pii_in_logs
#   severity: high
#   references:
#     - PCI DSS v4.0 3.3.1
#     - PCI DSS v4.0 3.5.1
#     - JR/T 0171-2020 (logs; unverified)
#   remediation: >-
#     Set `log_statement = 'ddl'` (or `none`) on the server and on any role or database that overrides it
#     (ALTER ROLE/DATABASE ... SET log_statement), use pgaudit with parameter logging off for audit
#     trails, and purge or redact the server logs already written.
#   title_zh: 语句日志不得将个人金融信息写入日志
#   remediation_zh: "在服务器及任何覆盖该参数的角色或数据库上将 `log_statement` 设为 'ddl'（或 `none`）\
#     （ALTER ROLE/DATABASE ... SET log_statement）；审计跟踪使用关闭参数记录的 pgaudit；\
#     并清除或脱敏已写入的服务器日志。"
package plaudit.rules.logging.statement_logging

import rego.v1

import data.plaudit.lib.access.settings
import data.plaudit.lib.facts

logging_levels := {"all", "mod"}

log_statement := lower(settings.log_statement) if is_string(settings.log_statement)

protected_levels := {"C2", "C3"}

protected_columns := [column.resource |
	some column in facts.columns
	column.level in protected_levels
	is_string(column.resource)
]

severity := "critical" if {
	some column in facts.columns
	column.level == "C3"
} else := "high"

target := input.run.target if {
	is_string(input.run.target)
} else := "database"

deny contains finding if {
	log_statement in logging_levels
	count(protected_columns) > 0

	finding := {
		"resource": target,
		"location": null,
		"severity": severity,
		"message": sprintf(
			"Database %s sets log_statement = %s, which writes statements with their literal values to the server log, and it holds C2/C3 personal information (%d columns: %s); set log_statement to ddl or none.",
			[target, log_statement, count(protected_columns), facts.name_list(protected_columns)],
		),
	}
}
