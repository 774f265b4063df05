/**
 * Small statute files written for the unit tests (invented wording, LawRefBook layout), so tests run without
 * ../shared. Article numbers of the 刑法 sample are fictional.
 */
export const SAMPLE_CIVIL_LAW_OLD = `# 中华人民共和国示例民事法

2001年3月1日 第九届全国人民代表大会常务委员会第二十次会议通过

<!-- INFO END -->

## 第一章 总则

第一条 为了示范条文解析，制定本法。

第二条 本法旧版本的第二条。
`;

export const SAMPLE_CIVIL_LAW = `# 中华人民共和国示例民事法

2001年3月1日 第九届全国人民代表大会常务委员会第二十次会议通过

2019年6月30日 第十三届全国人民代表大会常务委员会第十一次会议修订

<!-- INFO END -->

## 第一编 通则

### 第一章 一般规定

第一条 为了示范条文解析，规范示例民事关系，制定本法。

第二条 自然人、法人和非法人组织之间的示例关系，适用本法。

本法所称示例关系，是指为测试而设定的关系。

### 第二章 权利

#### 第一节 一般权利

第三条 民事主体的合法权益受法律保护。

第三条之一 任何组织或者个人不得以示例为名侵害他人权益。

第十条 当事人有下列情形之一的，可以请求变更：
（一）因重大误解订立的；
（二）显失公平的。

## 第二编 附则

第一百零一条 本法自2020年1月1日起施行。
`;

export const SAMPLE_CRIMINAL_LAW = `# 中华人民共和国刑法

1979年7月1日 第五届全国人民代表大会第二次会议通过

2023年12月29日 第十四届全国人民代表大会常务委员会第七次会议修正

<!-- INFO END -->

## 第二编 分则

### 第二章 危害公共安全罪

第九百零一条 故意损坏公共路灯，危害公共安全的，处三年以下有期徒刑或者拘役；情节严重的，处三年以上七年以下有期徒刑。

第九百零一条之一 在公共道路上驾驶无人机编队表演，未经批准的，处拘役，并处罚金。

### 第五章 侵犯财产罪

第九百二十条 窃取他人虚拟财产，数额较大的，处三年以下有期徒刑、拘役或者管制，并处或者单处罚金；数额巨大的，处三年以上十年以下有期徒刑，并处罚金。

单位犯前款罪的，对单位判处罚金，并对其直接负责的主管人员，依照前款的规定处罚。
`;

/** A charge table in the inline style of the 1997 罪名意见 and in the table style of the 补充规定. */
export const SAMPLE_CHARGE_TABLE = `# 示例罪名规定

<!-- INFO END -->

## 第二章 危害公共安全罪

1．损坏公共路灯罪（第901条） 2．非法无人机表演罪（第901条之一）

<!-- TABLE -->
| 刑法条文 |罪名 |
|-----|-----|
| 第九百二十条第一款 （《刑法修正案（九十九）》第1条） |窃取虚拟财产罪 |
`;

/** Three CAIL-style cases (invented facts). */
export const SAMPLE_CAIL = [
  {
    fact: '经审理查明，2020年5月1日凌晨，被告人赵某在某市某路段用石块砸坏公共路灯三盏，致该路段照明中断。',
    meta: {
      relevant_articles: [901],
      accusation: ['损坏公共路灯'],
      punish_of_money: 0,
      criminals: ['赵某'],
      term_of_imprisonment: { death_penalty: false, imprisonment: 8, life_imprisonment: false },
    },
  },
  {
    fact: '公诉机关指控，被告人钱某利用技术手段窃取他人游戏账号内的虚拟装备，价值人民币一万二千元。',
    meta: {
      relevant_articles: [920],
      accusation: ['窃取虚拟财产'],
      punish_of_money: 3000,
      criminals: ['钱某'],
      term_of_imprisonment: { death_penalty: false, imprisonment: 10, life_imprisonment: false },
    },
  },
  {
    fact: '被告人孙某未经批准在公共道路上空组织无人机编队表演，造成交通拥堵。',
    meta: {
      relevant_articles: [9011],
      accusation: ['非法无人机表演'],
      punish_of_money: 2000,
      criminals: ['孙某'],
      term_of_imprisonment: { death_penalty: false, imprisonment: 0, life_imprisonment: false },
    },
  },
]
  .map((record) => JSON.stringify(record))
  .join('\n');
