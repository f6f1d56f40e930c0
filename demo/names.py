"""Names, job titles and mobile numbers of the demo customers' people, Chinese and English.

The customers' contacts (demo.customers_files) and the people met on visits
(demo.visits_slips) are made of these.
"""

# Surnames and given names with their pinyin (for e-mail addresses).
SURNAMES = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"),
    ("高", "gao"), ("罗", "luo"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
    ("唐", "tang"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("沈", "shen"),
)  # fmt: skip
GIVEN = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
    ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("艳", "yan"), ("杰", "jie"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("霞", "xia"), ("晓东", "xiaodong"),
    ("志强", "zhiqiang"), ("海燕", "haiyan"), ("雪梅", "xuemei"), ("俊杰", "junjie"),
    ("思远", "siyuan"), ("雨萱", "yuxuan"), ("子涵", "zihan"), ("浩然", "haoran"),
    ("佳怡", "jiayi"), ("建华", "jianhua"), ("丽娟", "lijuan"), ("文博", "wenbo"),
    ("欣怡", "xinyi"),
)  # fmt: skip
EN_FIRST = (
    "Linda", "Kevin", "Emily", "Jason", "Grace", "Michael", "Sophie", "David", "Cathy", "Tony",
    "Vivian", "Eric", "Helen", "Frank", "Iris", "Leo", "Nancy", "Peter", "Sandy", "Vincent",
)  # fmt: skip
# Title, decision power.
ZH_TITLES = (
    ("总经理", "yes"), ("市场总监", "yes"), ("品牌经理", "no"), ("市场部经理", "unknown"),
    ("推广主管", "no"), ("采购经理", "unknown"), ("副总经理", "yes"), ("董事长助理", "no"),
    ("营销中心负责人", "unknown"), ("行政经理", "no"), ("店长", "no"),
)  # fmt: skip
EN_TITLES = (
    ("General Manager", "yes"), ("Marketing Director", "yes"), ("Brand Manager", "no"),
    ("Head of Marketing", "unknown"), ("Marketing Manager", "unknown"),
    ("Purchasing Manager", "no"), ("CEO", "yes"), ("Trade Marketing Lead", "no"),
)  # fmt: skip
MOBILE_PREFIXES = (
    "135", "136", "137", "138", "139", "150", "151", "152", "158", "159",
    "176", "177", "180", "181", "186", "187", "188", "189", "199",
)  # fmt: skip
