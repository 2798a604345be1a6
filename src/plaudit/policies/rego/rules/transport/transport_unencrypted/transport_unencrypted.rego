# METADATA
# title: Databases holding C2/C3 information require encrypted connections
# description: >-
#   Every hop that carries C2 or C3 personal information is encrypted. A database holding such columns
#   whose server settings allow clear-text connections fails: PostgreSQL `ssl = off`, or MySQL/MariaDB
#   `require_secure_transport = OFF`. Judged only on what a live scan read: SQL-file scans carry no
#   settings and give no finding. Severity is critical when the database holds C3 or card numbers
#   (PCI PAN), high otherwise. pg_hba.conf `host` lines and client DSNs are not read yet.
# custom:
#   rule: JRT0171-TRANS-ENC
#   kind: transport_unencrypted
#   severity: high
#   references:
#     - JR/T 0171-2020 6.1.2 (unverified)
#     - GB/T 22239-2019 L3 数据保密性 a
#     - GDPR Art. 32(1)(a)
#   remediation: >-
#     PostgreSQL: set `ssl = on` with a certificate, allow remote clients only through `hostssl` lines in
#     pg_hba.conf and connect with `sslmode=verify-full`. MySQL/MariaDB: configure TLS and set
#     `require_secure_transport = ON` (or `REQUIRE SSL` on every account that reads personal data).
#   title_zh: 存有 C2/C3 类信息的数据库须强制加密连接
#   remediation_zh: "PostgreSQL：配置证书并设置 `ssl = on`，pg_hba.conf 中远程客户端仅允许 `hostssl` 方式接入，\
#     客户端使用 `sslmode=verify-full` 连接。MySQL/MariaDB：配置 TLS 并设置 `require_secure_transport = ON`（或对每个读取个人信息的账户设置 `REQUIRE SSL`）\
#     。"
package plaudit.rules.transport.transport_unencrypted

import rego.v1

import data.plaudit.lib.access.settings
import data.plaudit.lib.facts
import data.plaudit.lib.facts.stored_columns

protected_levels := {"C2", "C3"}

protected_columns := [column.resource |
	some column in stored_columns
	column.level in protected_levels
]

# weaknesses name each setting that lets a client connect in clear.
weaknesses contains "ssl = off" if off(settings.ssl)

weaknesses contains sprintf("require_secure_transport = %v", [settings.require_secure_transport]) if {
	off(settings.require_secure_transport)
}

off(value) if {
	is_string(value)
	lower(value) in {"off", "0", "false", "no"}
}

off(value) if value == 0

off(value) if value == false

target := input.run.target if {
	is_string(input.run.target)
} else := "database"

severity := "critical" if {
	some column in stored_columns
	column.level == "C3"
} else := "critical" if {
	some column in stored_columns
	column.pci == "PAN"
} else := "high"

deny contains finding if {
	count(protected_columns) > 0
	count(weaknesses) > 0

	finding := {
		"resource": target,
		"location": null,
		"severity": severity,
		"message": sprintf(
			"Database %s holds C2/C3 personal information (%d columns: %s) but accepts unencrypted connections (%s); require TLS on the server.",
			[target, count(protected_columns), facts.name_list(protected_columns), concat(", ", sort(weaknesses))],
		),
	}
}
