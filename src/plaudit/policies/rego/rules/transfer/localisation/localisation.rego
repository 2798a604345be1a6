# METADATA
# title: Personal financial information is stored in mainland China
# description: >-
#   Personal (financial) information collected in China is stored, processed and analysed in mainland
#   China. A base table holding personal information whose catalog `region` (the table's, else its
#   file's) is outside the permitted regions is a finding. Permitted regions are glob patterns
#   (parameter `permitted_regions`; default: the mainland regions of AWS China, Azure operated by
#   21Vianet, Alibaba, Huawei and Tencent Cloud), minus `excluded_regions` (default: Hong Kong, Macao,
#   Taiwan). Tables whose catalog states no region are not judged; views store nothing.
# custom:
#   rule: PIPL40-JRT0171-LOCALISATION
#   kind: cross_border_transfer
#   severity: critical
#   references:
#     - PIPL Art. 40 (secondary source)
#     - JR/T 0171-2020 (domestic storage; unverified)
#     - PBOC 银发〔2011〕17号 (unverified)
#   remediation: >-
#     Move the database, replica or backup to a mainland-China region; where data must leave, keep the
#     primary copy in China and follow PIPL Art. 38 (security assessment, certification or standard
#     contract, separate consent, impact assessment) for the transfer. If the region is mainland China
#     under another name, add it to `permitted_regions`.
#   title_zh: 个人金融信息须在中国境内存储
#   remediation_zh: "将数据库、副本或备份迁移至中国境内（不含港澳台）区域；确需向境外提供的，境内保留主副本，并依照《个人信息保护法》第三十八条履行安全评估、\
#     认证或标准合同程序，取得单独同意并开展个人信息保护影响评估。若该区域实为境内区域的其他名称，请将其加入 `permitted_regions`。"
package plaudit.rules.transfer.localisation

import rego.v1

import data.plaudit.lib.catalog
import data.plaudit.lib.facts
import data.plaudit.lib.facts.pi_tables

deny contains finding if {
	some table in pi_tables
	region := catalog.region(table)
	region in catalog.foreign_regions

	finding := {
		"resource": table.resource,
		"location": catalog.location_of(table),
		"message": sprintf(
			"Table %s holds personal information (%s; up to %v) in region '%s', outside mainland China; store it in a mainland region.",
			[table.resource, facts.name_list(table.pi_columns), object.get(table, "max_level", null), region],
		),
	}
}
