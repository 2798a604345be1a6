# METADATA
# title: Columns declared protected hold no plaintext
# description: >-
#   The catalog says a column is encrypted, hashed, tokenized or masked, but sampled values read as
#   plaintext: they pass a checksum detector of the column's category (ID MOD 11-2, PAN Luhn + IIN,
#   mobile), or look like clear text for it (a password in no hash format, Chinese text, a date).
#   Critical for C3 and card numbers (PCI PAN), high otherwise. Evidence: data checks `plaintext`.
# custom:
#   rule: PLAUDIT-PLAINTEXT-IN-PROTECTED
#   kind: plaintext_in_protected_column
#   severity: high
#   references:
#     - JR/T 0171-2020 6.1.3 (unverified)
#     - PCI DSS v4.0 3.5.1
#     - PIPL Art. 51(3)
#     - GB/T 22239-2019 L3 数据保密性 b
#   remediation: >-
#     Find the write path that bypasses the encryption or hashing (a batch load, a back-office tool, a
#     migration), fix it, then re-encrypt or re-hash the existing rows; until then the declared
#     protection is not true and the column must be treated as clear text.
#   title_zh: 声明已保护的字段中不得存在明文
#   remediation_zh: "排查绕过加密或哈希的写入路径（批量导入、后台管理工具、数据迁移等）并予以修复，再对存量数据重新加密或重新哈希；\
#     修复完成前，该字段声明的保护措施不成立，须按明文数据管理。"
package plaudit.rules.data.plaintext_protected

import rego.v1

import data.plaudit.lib.data as sampled
import data.plaudit.lib.facts

deny contains finding if {
	some check in sampled.results("plaintext")
	check.matched > 0
	column := sampled.column_of(check)
	declared := object.get(check, ["details", "declared"], object.get(column, "protection", "protected"))

	finding := {
		"resource": check.resource,
		"location": object.get(column, "location", null),
		"severity": severity(column, check),
		"message": sprintf(
			"Column %s is declared '%s' but %d of %d sampled values (%s) read as plaintext (e.g. %v); the protection is not applied on every write path.",
			[check.resource, declared, check.matched, check.sampled, sampled.percent(check.matched / max([check.sampled, 1])), exemplar(check)],
		),
	}
}

# The facts column decides; when the facts lack it, the category the check recorded does.
severity(column, check) := "critical" if {
	sampled.level(column) == "C3"
} else := "critical" if {
	sampled.pan(column)
} else := "critical" if {
	sampled.pan({"category": check_category(check)})
} else := "critical" if {
	facts.in_category(check_category(check), "auth")
} else := "high"

check_category(check) := object.get(check, ["details", "category"], null)

exemplar(check) := e if {
	e := check.details.masked_exemplar
	is_string(e)
} else := "no exemplar kept"
