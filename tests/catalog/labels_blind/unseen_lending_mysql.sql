-- Synthetic "unseen" schema for the blind labelling set: a Chinese consumer-lending app (MySQL),
-- pinyin / abbreviated column names, Chinese comments. Written by hand; not taken from any project.

CREATE TABLE jk_jkr (
  id bigint NOT NULL AUTO_INCREMENT COMMENT '主键',
  jkr_xm varchar(32) NOT NULL COMMENT '借款人姓名',
  zjlx tinyint COMMENT '证件类型',
  zjhm varchar(32) COMMENT '证件号码',
  xb char(1) COMMENT '性别',
  csrq date COMMENT '出生日期',
  mz varchar(16) COMMENT '民族',
  lxdh varchar(20) COMMENT '联系电话',
  dzyx varchar(64) COMMENT '电子邮箱',
  hjdz varchar(255) COMMENT '户籍地址',
  jzdz varchar(255) COMMENT '居住地址',
  gzdw varchar(128) COMMENT '工作单位',
  ysr decimal(12,2) COMMENT '月收入',
  hyzk tinyint COMMENT '婚姻状况',
  xl tinyint COMMENT '学历',
  zjzp_zm varchar(255) COMMENT '身份证正面照片',
  rlzp varchar(255) COMMENT '人脸识别照片',
  rltz blob COMMENT '人脸特征值',
  zt tinyint COMMENT '状态',
  cjsj datetime COMMENT '创建时间',
  gxsj datetime COMMENT '更新时间',
  PRIMARY KEY (id)
) ENGINE=InnoDB COMMENT='借款人信息';

CREATE TABLE jk_yhk (
  id bigint NOT NULL AUTO_INCREMENT COMMENT '主键',
  jkr_id bigint COMMENT '借款人ID',
  yhkh varchar(32) COMMENT '银行卡号',
  khh varchar(64) COMMENT '开户行',
  yhzh varchar(32) COMMENT '银行账号',
  ylsjh varchar(20) COMMENT '银行预留手机号',
  yxq varchar(8) COMMENT '信用卡有效期',
  cvn2 varchar(8) COMMENT '信用卡安全码',
  sfmr tinyint COMMENT '是否默认卡',
  bdsj datetime COMMENT '绑定时间',
  PRIMARY KEY (id)
) COMMENT='借款人银行卡';

CREATE TABLE jk_dksq (
  id bigint NOT NULL AUTO_INCREMENT COMMENT '主键',
  sqbh varchar(32) COMMENT '申请编号',
  jkr_id bigint COMMENT '借款人ID',
  cp_id bigint COMMENT '产品ID',
  dkje decimal(12,2) COMMENT '贷款金额',
  dkqx int COMMENT '贷款期限(月)',
  nll decimal(6,4) COMMENT '年利率',
  dkyt varchar(64) COMMENT '借款用途',
  sqsj datetime COMMENT '申请时间',
  spzt tinyint COMMENT '审批状态',
  zxpf int COMMENT '征信评分',
  zxbg text COMMENT '征信报告',
  sqip varchar(45) COMMENT '申请IP',
  sbh varchar(64) COMMENT '设备号',
  jd decimal(10,6) COMMENT '经度',
  wd decimal(10,6) COMMENT '纬度',
  spr varchar(32) COMMENT '审批人姓名',
  spyj varchar(255) COMMENT '审批意见',
  PRIMARY KEY (id)
) COMMENT='贷款申请';

CREATE TABLE jk_hkjh (
  id bigint NOT NULL AUTO_INCREMENT COMMENT '主键',
  dk_id bigint COMMENT '贷款ID',
  qc int COMMENT '期次',
  yhrq date COMMENT '应还日期',
  yhbj decimal(12,2) COMMENT '应还本金',
  yhlx decimal(12,2) COMMENT '应还利息',
  yqts int COMMENT '逾期天数',
  yqfx decimal(12,2) COMMENT '逾期罚息',
  sjhkrq date COMMENT '实际还款日期',
  PRIMARY KEY (id)
) COMMENT='还款计划';

CREATE TABLE jk_jyls (
  id bigint NOT NULL AUTO_INCREMENT COMMENT '主键',
  lsh varchar(64) COMMENT '交易流水号',
  yh_id bigint COMMENT '用户ID',
  jyje decimal(12,2) COMMENT '交易金额',
  jylx tinyint COMMENT '交易类型',
  zhye decimal(14,2) COMMENT '账户余额',
  dfzh varchar(32) COMMENT '对方账号',
  dfhm varchar(64) COMMENT '对方户名',
  jysj datetime COMMENT '交易时间',
  fy varchar(128) COMMENT '附言',
  PRIMARY KEY (id)
) COMMENT='交易流水';

CREATE TABLE jk_jjlxr (
  id bigint NOT NULL AUTO_INCREMENT COMMENT '主键',
  jkr_id bigint COMMENT '借款人ID',
  lxr_xm varchar(32) COMMENT '紧急联系人姓名',
  gx tinyint COMMENT '与借款人关系',
  lxr_sj varchar(20) COMMENT '紧急联系人手机',
  lxr_dz varchar(255) COMMENT '紧急联系人地址',
  PRIMARY KEY (id)
) COMMENT='紧急联系人';

CREATE TABLE sys_yh (
  id bigint NOT NULL AUTO_INCREMENT COMMENT '主键',
  dlm varchar(32) COMMENT '登录名',
  dlmm varchar(128) COMMENT '登录密码',
  jymm varchar(128) COMMENT '交易密码',
  sjyzm varchar(8) COMMENT '短信验证码',
  nc varchar(32) COMMENT '昵称',
  tx varchar(255) COMMENT '头像',
  zcsj datetime COMMENT '注册时间',
  zhdlip varchar(45) COMMENT '最后登录IP',
  imei varchar(32) COMMENT '设备IMEI',
  oaid varchar(64) COMMENT '设备OAID',
  token varchar(128) COMMENT '登录令牌',
  PRIMARY KEY (id)
) COMMENT='APP用户';

CREATE TABLE cfg_cp (
  id bigint NOT NULL AUTO_INCREMENT COMMENT '主键',
  cpmc varchar(64) COMMENT '产品名称',
  zdje decimal(12,2) COMMENT '最低借款金额',
  zgje decimal(12,2) COMMENT '最高借款金额',
  nll decimal(6,4) COMMENT '产品年利率',
  qx int COMMENT '期限',
  kfdh varchar(20) COMMENT '客服电话',
  kfyx varchar(64) COMMENT '客服邮箱',
  gsdz varchar(255) COMMENT '公司地址',
  PRIMARY KEY (id)
) COMMENT='贷款产品配置';

CREATE TABLE org_wd (
  id bigint NOT NULL AUTO_INCREMENT COMMENT '主键',
  wdmc varchar(64) COMMENT '网点名称',
  wddz varchar(255) COMMENT '网点地址',
  wddh varchar(20) COMMENT '网点电话',
  fzr_id bigint COMMENT '负责人ID',
  PRIMARY KEY (id)
) COMMENT='合作网点';

CREATE TABLE sys_czrz (
  id bigint NOT NULL AUTO_INCREMENT COMMENT '主键',
  czr varchar(32) COMMENT '操作人姓名',
  czlx varchar(16) COMMENT '操作类型',
  czsj datetime COMMENT '操作时间',
  czip varchar(45) COMMENT '操作IP',
  cznr varchar(512) COMMENT '操作内容',
  PRIMARY KEY (id)
) COMMENT='操作日志';
