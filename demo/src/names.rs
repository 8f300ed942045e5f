//! Synthetic people and places: names, format-valid fictional ID numbers, phone numbers.

use std::collections::HashSet;

use onemap_codes::check::{credit_code_check, organization_code_check, resident_id_check};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

/// Common surnames, most frequent first (the generator favours the first ones).
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金", "石", "廖", "贾", "夏", "付", "方", "白", "邹", "孟", "秦", "邱", "尹", "薛", "闫", "段", "雷",
    "侯", "史", "陶", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "武", "戴", "孔", "汤", "原", "牛", "司马",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀", "英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "兰", "霞", "平", "刚", "桂", "华", "建", "国", "红", "玉", "文", "志", "海", "春", "梅", "林", "辉", "鹏", "飞",
    "宇", "浩", "凯", "晨", "欣", "怡", "佳", "子", "涵", "雪", "婷", "琳", "振", "德", "福", "贵", "荣", "庆", "书",
    "新", "利", "松", "彬", "永", "亮", "宁", "成", "群", "双", "喜", "金", "凤", "云", "丹", "萍", "卫", "东", "晓",
];

const VILLAGE_CHARS: &[&str] = &[
    "安", "平", "和", "兴", "善", "仁", "义", "礼", "丰", "乐", "清", "源", "泉", "河", "滩", "湾", "岗", "坡", "台",
    "寨", "堡", "集", "店", "桥", "庙", "屯", "沟", "营", "坊", "园", "柳", "槐", "杨", "枣", "苗", "麦", "禾", "太",
];
const DIRECTIONS: &[&str] = &["东", "西", "南", "北", "前", "后", "上", "下", "大", "小", "新", "老"];

/// Names for streets and roads, used once each.
pub const ROAD_NAMES: &[&str] = &[
    "人民路",
    "建设路",
    "文化路",
    "解放路",
    "中原路",
    "黄河路",
    "太极路",
    "子夏街",
    "慈胜路",
    "温泉路",
    "迎宾路",
    "和平路",
    "友谊路",
    "新华街",
    "光明路",
    "振兴路",
    "兴业路",
    "商贸街",
    "学府路",
    "育才路",
    "幸福路",
    "繁荣街",
    "胜利路",
    "长安路",
    "滨河路",
    "团结路",
    "民主街",
    "工业路",
    "农业路",
    "前进路",
    "东方路",
    "朝阳路",
    "永安街",
    "富民路",
    "丰收路",
    "仁和街",
];

/// A synthetic natural person.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub id_number: String,
    pub phone: String,
}

/// Draws people with unique, check-digit-valid (fictional) resident ID numbers.
pub struct PeopleFactory {
    used_ids: HashSet<String>,
    used_phones: HashSet<String>,
    region: String,
}

/// Division codes of 焦作 (4108xx) used as places of birth on ID numbers.
const BIRTH_REGIONS: &[&str] = &["410825", "410825", "410825", "410825", "410882", "410883", "410823", "410811"];

impl PeopleFactory {
    pub fn new(region: &str) -> Self {
        Self { used_ids: HashSet::new(), used_phones: HashSet::new(), region: region.to_owned() }
    }

    pub fn surname(rng: &mut ChaCha8Rng) -> &'static str {
        // Squared uniform favours the common surnames at the head of the list.
        let u: f64 = rng.random();
        SURNAMES[((u * u) * SURNAMES.len() as f64) as usize]
    }

    pub fn given_name(rng: &mut ChaCha8Rng) -> String {
        let one = GIVEN.choose(rng).copied().unwrap_or("明");
        if rng.random_bool(0.7) {
            format!("{one}{}", GIVEN.choose(rng).copied().unwrap_or("华"))
        } else {
            one.to_owned()
        }
    }

    /// A person born between `born_from` and `born_to` (years), with the given surname if any.
    pub fn person(&mut self, rng: &mut ChaCha8Rng, surname: Option<&str>, born_from: i32, born_to: i32) -> Person {
        let surname = surname.unwrap_or_else(|| Self::surname(rng)).to_owned();
        let name = format!("{surname}{}", Self::given_name(rng));
        let male = rng.random_bool(0.5);
        let id_number = loop {
            let region = if rng.random_bool(0.8) {
                self.region.as_str()
            } else {
                BIRTH_REGIONS.choose(rng).copied().unwrap_or("410825")
            };
            let year = rng.random_range(born_from..=born_to);
            let month = rng.random_range(1..=12);
            let day = rng.random_range(1..=28);
            // The 17th digit is odd for men and even for women.
            let seq = rng.random_range(0..500) * 2 + u32::from(male);
            let body = format!("{region}{year:04}{month:02}{day:02}{seq:03}");
            let id = format!("{body}{}", resident_id_check(&body).unwrap_or('0'));
            if self.used_ids.insert(id.clone()) {
                break id;
            }
        };
        let phone = self.phone(rng);
        Person { name, id_number, phone }
    }

    /// An 11-digit mobile number, unique within the data set.
    pub fn phone(&mut self, rng: &mut ChaCha8Rng) -> String {
        const PREFIXES: &[&str] = &[
            "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "182", "187", "188", "131", "132",
            "155", "156", "185", "186", "133", "153", "180", "189", "199",
        ];
        loop {
            let p =
                format!("{}{:08}", PREFIXES.choose(rng).copied().unwrap_or("139"), rng.random_range(0..100_000_000u32));
            if self.used_phones.insert(p.clone()) {
                return p;
            }
        }
    }
}

/// A unified social credit code (GB 32100) with valid check characters, for organisation
/// kind `kind2` (e.g. "91" enterprise, "12" public institution) in region `region`.
pub fn credit_code(rng: &mut ChaCha8Rng, kind2: &str, region: &str) -> String {
    const ORG_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let body8: String = (0..8).map(|_| ORG_CHARS[rng.random_range(0..ORG_CHARS.len())] as char).collect();
    let org9 = format!("{body8}{}", organization_code_check(&body8).unwrap_or('0'));
    // The 9th character of an organisation code may be X, which is not a credit-code character.
    let org9 = org9.replace('X', "0");
    let body17 = format!("{kind2}{region}{org9}");
    format!("{body17}{}", credit_code_check(&body17).unwrap_or('0'))
}

/// Draws names from `draw` until one is unused; after 64 tries (the space is small) numbers
/// the last draw, so large counties never run out of names.
fn unique(
    rng: &mut ChaCha8Rng,
    used: &mut HashSet<String>,
    suffix: &str,
    draw: impl Fn(&mut ChaCha8Rng) -> String,
) -> String {
    for _ in 0..64 {
        let name = format!("{}{suffix}", draw(rng));
        if used.insert(name.clone()) {
            return name;
        }
    }
    let base = draw(rng);
    (2..).map(|k| format!("{base}{k}{suffix}")).find(|n| used.insert(n.clone())).unwrap_or_default()
}

/// A village name such as 王庄村 or 东柳村.
pub fn village_name(rng: &mut ChaCha8Rng, used: &mut HashSet<String>) -> String {
    unique(rng, used, "村", |rng| match rng.random_range(0..5) {
        0 => format!("{}庄", PeopleFactory::surname(rng)),
        1 => format!("{}营", PeopleFactory::surname(rng)),
        2 => format!(
            "{}{}",
            DIRECTIONS.choose(rng).copied().unwrap_or("东"),
            VILLAGE_CHARS.choose(rng).copied().unwrap_or("安")
        ),
        3 => format!("{}家{}", PeopleFactory::surname(rng), VILLAGE_CHARS.choose(rng).copied().unwrap_or("庄")),
        _ => format!(
            "{}{}",
            VILLAGE_CHARS.choose(rng).copied().unwrap_or("安"),
            VILLAGE_CHARS.choose(rng).copied().unwrap_or("平")
        ),
    })
}

/// A neighbourhood (社区) name.
pub fn community_name(rng: &mut ChaCha8Rng, used: &mut HashSet<String>) -> String {
    unique(rng, used, "社区", |rng| {
        format!(
            "{}{}",
            VILLAGE_CHARS.choose(rng).copied().unwrap_or("安"),
            ["苑", "园", "和", "兴", "华", "城", "源", "阳", "泰", "康"].choose(rng).copied().unwrap_or("园")
        )
    })
}

/// A 19-digit bank card number (fictional, Luhn-valid).
pub fn bank_account(rng: &mut ChaCha8Rng) -> String {
    let mut digits: Vec<u32> = "622848".chars().filter_map(|c| c.to_digit(10)).collect();
    while digits.len() < 18 {
        digits.push(rng.random_range(0..10));
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use onemap_codes::check::{is_valid_credit_code, is_valid_resident_id};
    use rand::SeedableRng;

    #[test]
    fn ids_are_valid_and_unique() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut f = PeopleFactory::new("410825");
        let people: Vec<Person> = (0..2000).map(|_| f.person(&mut rng, None, 1940, 2000)).collect();
        let ids: HashSet<_> = people.iter().map(|p| p.id_number.clone()).collect();
        assert_eq!(ids.len(), people.len());
        assert!(people.iter().all(|p| is_valid_resident_id(&p.id_number)));
        assert!(people.iter().all(|p| p.phone.len() == 11 && p.name.chars().count() >= 2));
        for _ in 0..200 {
            let code = credit_code(&mut rng, "91", "410825");
            assert!(is_valid_credit_code(&code), "{code}");
        }
    }

    #[test]
    fn names_never_run_out() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut used = HashSet::new();
        let names: Vec<String> = (0..3000)
            .map(|k| if k % 2 == 0 { community_name(&mut rng, &mut used) } else { village_name(&mut rng, &mut used) })
            .collect();
        assert_eq!(names.iter().collect::<HashSet<_>>().len(), 3000);
        assert!(names.iter().all(|n| n.ends_with('村') || n.ends_with("社区")));
    }

    #[test]
    fn bank_accounts_pass_luhn() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..100 {
            let a = bank_account(&mut rng);
            let sum: u32 = a
                .chars()
                .rev()
                .enumerate()
                .map(|(i, c)| {
                    let d = c.to_digit(10).unwrap();
                    if i % 2 == 1 {
                        let x = d * 2;
                        if x > 9 { x - 9 } else { x }
                    } else {
                        d
                    }
                })
                .sum();
            assert_eq!(sum % 10, 0, "{a}");
            assert_eq!(a.len(), 19);
        }
    }
}
