# METADATA
# title: Declared-encrypted columns hold strong ciphertext
# description: >-
#   Sampled values of a column the catalog declares encrypted are checked as ciphertext: envelope
#   (raw bytes, hex, base64), Shannon entropy of the decoded bytes against what random bytes would
#   show for that sample size, and the duplicate rate. Base64 or hex that decodes to an identifier is
#   reversible encoding, not encryption; low entropy or repeated values mean encoded plaintext or
#   deterministic encryption. Values stored in clear with no envelope at all are left to
#   PLAUDIT-PLAINTEXT-IN-PROTECTED. Evidence: data checks `ciphertext`.
# custom:
#   rule: CRYPTO-WEAK-CIPHERTEXT
#   kind: weak_protection
#   severity: high
#   references:
#     - GB/T 22239-2019 L3 数据保密性 b
#     - PCI DSS v4.0 3.5.1
#     - PIPL Art. 51(3)
#   remediation: >-
#     Encrypt with an authenticated cipher (SM4-GCM, AES-256-GCM) and a random IV per value, with the key
#     in a KMS; base64 or hex is an encoding, not encryption. Where equality lookups are needed, add a
#     keyed hash (HMAC) column instead of encrypting deterministically.
#   title_zh: 声明加密的字段须为强密文
#   remediation_zh: "使用认证加密算法（SM4-GCM、AES-256-GCM）并为每个值生成随机 IV，密钥由 KMS 管理；\
#     base64 或十六进制只是编码而非加密。需要等值查询时，应增加带密钥哈希（HMAC）字段，而不是使用确定性加密。"
package plaudit.rules.data.weak_ciphertext

import rego.v1

import data.plaudit.lib.data as sampled

deny contains finding if {
	some check in sampled.results("ciphertext")
	check.details.verdict in {"weak", "plaintext"}
	not only_clear_text(check)
	reasons := problems(check)
	count(reasons) > 0
	column := sampled.column_of(check)

	finding := {
		"resource": check.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s is declared encrypted but its sampled values (%d) do not look like strong ciphertext: %s.",
			[check.resource, check.sampled, concat("; ", reasons)],
		),
	}
}

# only_clear_text: every weak value is clear text with no envelope, which the plaintext rule reports.
only_clear_text(check) if {
	sampled.detail(check, "raw_plaintext") > 0
	sampled.detail(check, "base64_of_plaintext") == 0
	sampled.detail(check, "printable_payloads") == 0
	not low_entropy(check)
	sampled.detail(check, "duplicate_rate") <= max_duplicate_rate
}

max_duplicate_rate := 0.05

low_entropy(check) if {
	sampled.detail(check, "entropy_bits_per_byte") < sampled.detail(check, "entropy_expected_if_random") - 0.75
}

# problems lists what is wrong with a sample, one clause per kind of weakness ("" when it does not apply).
problems(check) := [reason |
	some reason in [encoded(check), printable(check), entropy(check), repeats(check)]
	reason != ""
]

encoded(check) := sprintf("%d decode from base64/hex to an identifier (reversible encoding)", [n]) if {
	n := sampled.detail(check, "base64_of_plaintext")
	n > 0
} else := ""

printable(check) := sprintf("%d decode to printable text", [n]) if {
	n := sampled.detail(check, "printable_payloads")
	n > 0
} else := ""

entropy(check) := sprintf("entropy %.2f bits/byte where random bytes would show about %.2f", [e, x]) if {
	low_entropy(check)
	e := sampled.detail(check, "entropy_bits_per_byte")
	x := sampled.detail(check, "entropy_expected_if_random")
} else := ""

repeats(check) := sprintf("%s of values repeat (deterministic encryption or encoded plaintext)", [sampled.percent(r)]) if {
	r := sampled.detail(check, "duplicate_rate")
	r > max_duplicate_rate
} else := ""
