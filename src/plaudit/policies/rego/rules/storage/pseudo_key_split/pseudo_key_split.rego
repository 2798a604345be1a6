# METADATA
# title: Token vaults are kept apart from the pseudonymised data
# description: >-
#   A token vault or mapping table (catalog `role: token_vault`, or a name such as token_vault,
#   token_map, pseudonym_map, detokenize) re-identifies the tokens stored elsewhere, so it must not sit
#   in the same schema as the tables holding tokenized columns (protection `tokenized`), nor be
#   readable by a role that can also read those tables. One finding per vault, naming the tables and
#   roles; same-schema placement is weak_protection, shared readers excessive_access. Read grants are
#   SELECT and ALL, including schema-wide ones and grants to PUBLIC.
# custom:
#   rule: GBT35273-62-PSEUDO-KEY-SPLIT
#   kind: weak_protection
#   severity: medium
#   references:
#     - GB/T 35273-2020 6.2 (secondary source)
#     - PIPL Art. 73(3) (unverified)
#     - GDPR Art. 32(1)(a) (secondary source)
#   remediation: >-
#     Move the vault to its own schema or database (ideally a tokenization service), grant it only to the
#     detokenization service role, and revoke vault access from roles that read the tokenized tables.
#   title_zh: 去标识化数据须与可重新识别的映射数据分开存储
#   remediation_zh: "将令牌库（映射表）迁移至独立的模式或数据库（最好由令牌化服务管理），仅授权给去令牌化服务角色，并撤销可读取令牌化数据表的角色对映射表的访问权限。"
package plaudit.rules.storage.pseudo_key_split

import rego.v1

import data.plaudit.lib.access
import data.plaudit.lib.access.grants
import data.plaudit.lib.catalog
import data.plaudit.lib.facts

vault_name := `(?i)(^|_)(token_?vault|vault|token_?map(ping)?s?|pseudonym(_?map(ping)?)?s?|detokeni[sz]e\w*)(_|$)`

vault(table) if catalog.role(table) == "token_vault"

vault(table) if {
	is_string(table.table)
	regex.match(vault_name, table.table)
}

vaults := [table | some table in facts.tables; catalog.base(table); vault(table)]

# tokenized_tables are the base tables (other than vaults) with at least one tokenized column.
tokenized_tables contains table if {
	some resource in {facts.table_resource(column) |
		some column in facts.stored_columns
		column.protection == "tokenized"
	}
	table := data.plaudit.lib.data.tables_by_resource[resource]
	catalog.base(table)
	not vault(table)
}

same_place(a, b) if {
	norm(object.get(a, "dataset", null)) == norm(object.get(b, "dataset", null))
	norm(object.get(a, "schema", null)) == norm(object.get(b, "schema", null))
}

norm(name) := lower(name) if is_string(name) else := ""

readers(table) := {access.plain(grant.grantee) |
	some grant in grants
	access.reads(grant)
	is_string(grant.grantee)
	access.covers(grant, table)
}

deny contains finding if {
	some v in vaults
	beside := sort({t.resource | some t in tokenized_tables; same_place(v, t)})
	shared := sort({sprintf("%s (%s)", [role, t.resource]) |
		some t in tokenized_tables
		some role in readers(v) & readers(t)
	})
	problems := place_problem(beside) | reader_problem(shared)
	count(problems) > 0

	finding := {
		"resource": v.resource,
		"location": catalog.location_of(v),
		"kind": kind(beside),
		"message": sprintf(
			"Token vault %s can re-identify tokenized data but %s; keep it in its own schema, readable only by the detokenization service.",
			[v.resource, concat(" and ", sort(problems))],
		),
	}
}

place_problem(beside) := {sprintf("sits in the same schema as %s", [facts.name_list(beside)])} if {
	count(beside) > 0
} else := set()

reader_problem(shared) := {sprintf("is readable by roles that also read the tokenized tables: %s", [facts.name_list(shared)])} if {
	count(shared) > 0
} else := set()

kind(beside) := "weak_protection" if count(beside) > 0 else := "excessive_access"
