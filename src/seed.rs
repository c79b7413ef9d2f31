//! 演示数据 demo data and synthetic benchmark data. The demo office is built through
//! the real workflow (every ticket's history is what the desk would have recorded);
//! synthetic tickets are bulk-inserted for speed, still numbered and historied.

use chrono::{Duration, Timelike};
use serde::Serialize;

use crate::account::{Permission, Role};
use crate::clock::{OfficeZone, Time};
use crate::error::{Error, Result, SqlContext};
use crate::input::{CompletionDraft, MaterialDraft, TechnicianDraft, TicketDraft};
use crate::store::{self, BulkTicket, PickLists, Step, Store};
use crate::ticket::{
    Channel, Deadlines, Event, EventAction, Kind, Satisfaction, Scope, Status, Ticket, Urgency,
};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建国", "建华", "玉兰", "志强", "海燕", "晓东", "文博",
    "雨桐", "子涵", "浩然", "思远", "佳怡", "国庆", "春梅", "德明", "淑珍", "玥", "喆",
];

/// (category, public-area share, descriptions, materials (name, spec, fen))
type CategoryData = (
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, &'static str, i64)],
);

const CATEGORIES: &[CategoryData] = &[
    (
        "水路",
        &[
            "厨房水槽下水管漏水，柜子里有积水",
            "卫生间马桶水箱一直流水，止不住",
            "阳台地漏堵塞，洗衣机排水漫出来了",
            "楼上渗水，卫生间吊顶有水渍滴水",
            "热水器进水阀门关不严，滴水",
            "洗手盆龙头松动漏水",
        ],
        &[
            ("三角阀", "DN15", 2500),
            ("不锈钢编织软管", "60cm", 1800),
            ("生料带", "20m", 200),
            ("PPR管", "DN20", 1200),
            ("马桶进水阀", "通用型", 4500),
        ],
    ),
    (
        "电路",
        &[
            "家里突然停电，总闸跳了推不上去",
            "客厅插座冒火花，有焦味",
            "卧室顶灯不亮，换了灯泡也不行",
            "厨房插座没电，冰箱停了",
            "漏电开关频繁跳闸",
        ],
        &[
            ("空气开关", "DZ47 C16", 3500),
            ("五孔插座", "86型", 1500),
            ("LED灯管", "18W", 2800),
            ("电线", "BV2.5", 350),
        ],
    ),
    (
        "燃气",
        &[
            "厨房有燃气味，已关闭总阀",
            "燃气灶打不着火",
            "燃气表不走字，需要检查",
        ],
        &[("燃气软管", "1.5m", 3800), ("管卡", "20mm", 100)],
    ),
    (
        "门窗锁具",
        &[
            "入户门锁芯坏了，钥匙拧不动",
            "窗户合页脱落，关不上",
            "阳台推拉门卡轨，推不动",
            "单元门禁门关不严，闭门器漏油",
        ],
        &[
            ("锁芯", "C级", 12000),
            ("合页", "4寸", 1500),
            ("闭门器", "60kg", 8500),
            ("滑轮", "推拉门用", 1200),
        ],
    ),
    (
        "墙地面",
        &[
            "客厅墙面渗水起皮发霉",
            "卫生间地砖空鼓开裂",
            "外墙窗边渗水，下雨就湿",
            "天花板石膏线脱落",
        ],
        &[
            ("防水涂料", "5kg", 16000),
            ("瓷砖胶", "20kg", 4500),
            ("玻璃胶", "300ml", 1500),
        ],
    ),
    (
        "空调暖通",
        &[
            "空调冷凝水管漏水，墙面湿了",
            "暖气片不热，阀门打开了",
            "新风系统噪音很大",
        ],
        &[("排水管", "16mm", 600), ("暖气阀门", "DN20", 5500)],
    ),
    (
        "电梯",
        &[
            "电梯困人，有人被困在轿厢里",
            "电梯门关不上，反复开关",
            "电梯运行时有异响",
            "电梯按钮失灵，按了不亮",
        ],
        &[("按钮", "通用型", 6000)],
    ),
    (
        "消防",
        &[
            "楼道烟感报警器误报，一直响",
            "消防栓箱门损坏",
            "应急照明灯不亮",
        ],
        &[("应急灯", "LED双头", 6500), ("烟感探测器", "独立式", 9000)],
    ),
    (
        "弱电门禁",
        &[
            "单元门禁刷卡没反应",
            "可视对讲没有声音",
            "门禁卡消磁，需要重新写卡",
        ],
        &[("门禁卡", "IC", 1000), ("读卡器", "86型", 18000)],
    ),
    (
        "公共设施",
        &[
            "楼道声控灯不亮",
            "小区路灯不亮，晚上很黑",
            "儿童游乐设施螺丝松动，有安全隐患",
            "地下车库道闸抬杆不起",
            "垃圾房门坏了",
        ],
        &[("声控灯", "LED 5W", 2500), ("螺栓", "M10", 300)],
    ),
    (
        "其他",
        &[
            "楼上装修噪音太大，影响休息",
            "咨询装修申请需要哪些材料",
            "快递柜门打不开",
        ],
        &[],
    ),
];

/// 投诉 by category (the complaint categories every office starts with).
const COMPLAINTS: &[(&str, &[&str])] = &[
    (
        "服务态度",
        &["前台接电话态度不好，没说完就挂了", "维修师傅上门没穿鞋套"],
    ),
    ("保洁", &["楼道垃圾两天没人清理", "电梯轿厢地面很脏"]),
    (
        "秩序",
        &["外来车辆占用消防通道", "晚上有人在小区里大声喧哗"],
    ),
    (
        "绿化",
        &["楼下绿化带杂草很久没修剪", "草坪浇水把人行道弄湿了"],
    ),
    ("收费", &["物业费账单金额和去年不一样，要求解释"]),
    (
        "噪音",
        &[
            "楼上装修噪音太大，周末一早就开始",
            "地下车库风机噪音影响休息",
        ],
    ),
];

/// 咨询 the desk answers on the phone.
const INQUIRIES: &[&str] = &[
    "咨询装修申请需要哪些材料",
    "咨询物业费的缴费方式",
    "咨询停车月卡怎么办理",
];

/// 公区位置 every demo 小区 declares (基础资料), which public-area tickets pick from.
const PUBLIC_PLACES: &[&str] = &[
    "1栋一楼大堂",
    "2栋电梯厅",
    "3栋楼道",
    "地下车库B2入口",
    "地下车库B区",
    "小区东门岗亭",
    "中心花园",
    "垃圾房",
    "消防通道",
    "屋顶平台",
];

/// What the technician found and did, per category: the 故障原因 and 处理措施 of a
/// completed demo ticket fit its fault (no 管道堵塞 for a 门禁).
pub const REMEDIES: &[(&str, &[(&str, &str)])] = &[
    (
        "水路",
        &[
            ("下水管接口密封圈老化", "更换密封圈并紧固接口，试水无渗漏"),
            ("地漏被毛发杂物堵塞", "疏通地漏并清理存水弯，排水通畅"),
            ("马桶进水阀损坏", "更换马桶进水阀，水位调整正常"),
            ("龙头阀芯磨损", "更换阀芯，开关正常不滴水"),
        ],
    ),
    (
        "电路",
        &[
            ("插座线路短路，空开跳闸", "更换插座并重新接线，送电正常"),
            ("漏电开关老化误动作", "更换漏电开关，试跳正常"),
            ("灯具镇流器损坏", "更换灯管及镇流器，照明恢复"),
        ],
    ),
    (
        "燃气",
        &[
            ("燃气软管老化龟裂", "更换燃气软管并检漏，无泄漏"),
            ("灶具点火针积碳", "清理点火针及火盖，点火正常"),
        ],
    ),
    (
        "门窗锁具",
        &[
            ("锁芯磨损卡涩", "更换C级锁芯，配钥匙3把"),
            ("合页螺丝松脱", "重新固定合页，门窗开关顺畅"),
            ("推拉门滑轮损坏", "更换滑轮并调整轨道"),
        ],
    ),
    (
        "墙地面",
        &[
            ("窗边防水胶老化开裂", "铲除旧胶，重新打防水玻璃胶"),
            ("地砖粘结层空鼓", "起砖重新铺贴，勾缝处理"),
        ],
    ),
    (
        "空调暖通",
        &[
            ("冷凝水管脱落", "重新连接冷凝水管并固定"),
            ("暖气片内有空气", "排气并调整阀门，暖气片恢复发热"),
        ],
    ),
    (
        "电梯",
        &[
            ("层门门锁触点接触不良", "清洁调整门锁触点，运行正常"),
            ("召唤按钮损坏", "更换召唤按钮，测试正常"),
        ],
    ),
    (
        "消防",
        &[
            ("烟感探测器积尘误报", "清洁烟感探测器，复位正常"),
            ("应急灯电池老化", "更换应急灯，测试供电正常"),
        ],
    ),
    (
        "弱电门禁",
        &[
            ("读卡器接线松动", "重新压接读卡器线路，刷卡正常"),
            ("门禁卡数据丢失", "重新写卡并测试开门"),
            ("对讲分机线路故障", "检修对讲线路，通话恢复"),
        ],
    ),
    (
        "公共设施",
        &[
            ("声控灯模块损坏", "更换声控灯，声控正常"),
            ("道闸电机限位偏移", "调整道闸限位，抬杆正常"),
            ("设施固定螺栓松动", "紧固并更换锈蚀螺栓，消除隐患"),
        ],
    ),
    (
        "其他",
        &[("快递柜门锁电磁阀卡滞", "联系快递柜厂家远程复位，柜门可开")],
    ),
];

/// The (cause, measures) pairs that fit a category.
pub fn remedies(category: &str) -> &'static [(&'static str, &'static str)] {
    REMEDIES
        .iter()
        .find(|(c, _)| *c == category)
        .map_or(REMEDIES[0].1, |(_, l)| *l)
}

/// A (cause, measures) that fits the category.
fn remedy(category: &str, rng: &mut fastrand::Rng) -> (&'static str, &'static str) {
    let list = remedies(category);
    list[rng.usize(..list.len())]
}

const TECHS: &[(&str, &str, &[&str], &str)] = &[
    ("张国强", "13911110001", &["水路", "燃气"], "水电班"),
    ("李建华", "13911110002", &["电路", "弱电门禁"], "水电班"),
    (
        "王志勇",
        "13911110003",
        &["门窗锁具", "墙地面", "其他"],
        "土建班",
    ),
    ("赵德明", "13911110004", &["空调暖通", "电路"], "暖通班"),
    ("刘海涛", "13911110005", &["电梯", "消防"], "设备班"),
    ("陈晓东", "13911110006", &["水路", "墙地面"], "水电班"),
    (
        "杨文博",
        "13911110007",
        &["公共设施", "门窗锁具", "其他"],
        "综合班",
    ),
    (
        "周春生",
        "13911110008",
        &["电路", "水路", "公共设施"],
        "综合班",
    ),
];

/// (site, buildings, units per building, floors, rooms per floor)
const SITES: &[(&str, u32, u32, u32, u32)] = &[("翠湖苑", 6, 2, 10, 2), ("枫林湾", 4, 1, 8, 2)];

#[derive(Debug, Clone, Serialize, Default)]
pub struct SeedOutcome {
    pub sites: usize,
    pub units: usize,
    pub contacts: usize,
    pub technicians: usize,
    pub tickets: usize,
}

fn person(rng: &mut fastrand::Rng) -> String {
    format!(
        "{}{}",
        SURNAMES[rng.usize(..SURNAMES.len())],
        GIVEN[rng.usize(..GIVEN.len())]
    )
}

fn mobile(rng: &mut fastrand::Rng) -> String {
    let prefixes = [
        "138", "139", "137", "136", "135", "150", "151", "158", "186", "188", "177", "199",
    ];
    format!(
        "{}{:08}",
        prefixes[rng.usize(..prefixes.len())],
        rng.u32(0..100_000_000)
    )
}

/// A seeded unit: (site, building, unit, room, contact, phone).
type SeedUnit = (String, String, String, String, String, String);

/// Sites, units with one contact each, and 8 technicians — the master data both seeds
/// use.
fn master_data(store: &mut Store, rng: &mut fastrand::Rng) -> Result<Vec<SeedUnit>> {
    // The first technician named in each team leads it (班组长).
    let mut teams: Vec<&str> = Vec::new();
    for (name, phone, skills, team) in TECHS {
        let lead = !teams.contains(team);
        teams.push(team);
        store.save_technician(&TechnicianDraft {
            name: Some((*name).into()),
            phone: Some((*phone).into()),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            team: Some((*team).into()),
            daily_capacity: Some(6),
            active: Some(true),
            team_lead: Some(lead),
        })?;
    }
    let mut units = Vec::new();
    let tx = store.begin()?;
    for (site, buildings, unit_count, floors, per_floor) in SITES {
        let sid = store::places_site_id(&tx, site)?;
        for b in 1..=*buildings {
            for u in 1..=*unit_count {
                for f in 1..=*floors {
                    for r in 1..=*per_floor {
                        let room = format!("{f}{r:02}");
                        let uid =
                            store::places_unit_id(&tx, sid, &b.to_string(), &u.to_string(), &room)?;
                        let name = person(rng);
                        let phone = mobile(rng);
                        store::places_upsert_contact(
                            &tx,
                            uid,
                            &name,
                            std::slice::from_ref(&phone),
                        )?;
                        units.push((
                            site.to_string(),
                            b.to_string(),
                            u.to_string(),
                            room,
                            name,
                            phone,
                        ));
                    }
                }
            }
        }
    }
    tx.commit().sql("seed master data")?;
    for (site, ..) in SITES {
        for place in PUBLIC_PLACES {
            store.add_site_location(site, place)?;
        }
    }
    // 收费标准: the materials the demo fits, and the labour items of paid work.
    let labour = [
        ("上门服务费", "次", 2000),
        ("疏通下水道", "次", 5000),
        ("更换锁芯人工", "次", 3000),
    ];
    let materials = CATEGORIES
        .iter()
        .flat_map(|(_, _, mats)| mats.iter())
        .map(|(name, spec, fen)| (format!("{name} {spec}"), "件", *fen));
    let labour = labour.map(|(name, unit, fen)| (name.to_string(), unit, fen));
    for (name, unit, price_fen) in labour.into_iter().chain(materials) {
        store.save_price(&store::PriceItem {
            name,
            unit: unit.into(),
            price_fen,
            active: true,
        })?;
    }
    Ok(units)
}

fn ensure_empty(store: &Store) -> Result<()> {
    let size = store.office_size()?;
    // Declared 小区 alone (no rooms yet) are not an office's data: the demo adds to them.
    let (tickets, people, units) = (size.tickets, size.technicians, size.units);
    if tickets + people + units > 0 {
        return Err(Error::Precondition(format!(
            "数据库里已有数据（工单 {tickets} 张、维修人员 {people} 名、房屋 {units} 户）；演示数据只能写入空数据库，请用 --db 指定一个新文件"
        )));
    }
    Ok(())
}

/// A believable office: 2 sites, ~300 units and contacts, 8 technicians and about
/// `tickets` tickets over the last 90 days, each moved through the real workflow as far
/// as its age allows (so every status occurs and every history is consistent).
pub fn demo(store: &mut Store, tickets: usize, seed: u64) -> Result<SeedOutcome> {
    store.operator(Permission::Seed, None)?;
    ensure_empty(store)?;
    let mut rng = fastrand::Rng::with_seed(seed);
    store.set_durable(false)?;
    let result = demo_inner(store, tickets, &mut rng);
    store.set_durable(true)?;
    let outcome = result?;
    if !store.has_accounts()? {
        demo_accounts(store)?;
    }
    Ok(outcome)
}

/// The demo office's accounts, one per role, all with [`DEMO_PASSWORD`] (README).
pub const DEMO_ACCOUNTS: &[(&str, Role)] = &[
    ("管理员", Role::Admin),
    ("主管", Role::Supervisor),
    ("前台", Role::Desk),
    ("工程部", Role::Engineer),
];
pub const DEMO_PASSWORD: &str = "demo1234";

fn demo_accounts(store: &mut Store) -> Result<()> {
    for (name, role) in DEMO_ACCOUNTS {
        store.add_account(name, *role, DEMO_PASSWORD)?;
        if *role == Role::Admin {
            store.act_as(name)?;
        }
    }
    store.sign_out();
    Ok(())
}

fn fmt(t: &Time) -> String {
    t.to_rfc3339()
}

fn demo_inner(store: &mut Store, count: usize, rng: &mut fastrand::Rng) -> Result<SeedOutcome> {
    let units = master_data(store, rng)?;
    let now = store.now();
    // The live desk's tickets are part of the count.
    let count = count.saturating_sub(LIVE_DESK.len());
    let mut times: Vec<Time> = (0..count)
        .map(|_| {
            let day = now - Duration::days(rng.i64(0..90));
            let hour = [8, 9, 9, 10, 10, 11, 13, 14, 15, 16, 17, 19, 20, 21, 23][rng.usize(..15)];
            let t = day
                .with_hour(hour)
                .and_then(|t| t.with_minute(rng.u32(0..60)))
                .unwrap_or(day);
            if t > now {
                now - Duration::minutes(rng.i64(5..300))
            } else {
                t
            }
        })
        .collect();
    times.sort();
    let op = "前台";
    let mut made = 0;
    for received in times {
        let kind = match rng.u8(0..100) {
            0..=6 => "complaint",
            7..=9 => "inquiry",
            _ => "repair",
        };
        // 报事: a complaint under its own category, an inquiry under 其他.
        let (cat, descs, mats) = match kind {
            "complaint" => {
                let (c, d) = COMPLAINTS[rng.usize(..COMPLAINTS.len())];
                (c, d, &[][..])
            }
            "inquiry" => ("其他", INQUIRIES, &[][..]),
            _ => CATEGORIES[weighted_category(rng)],
        };
        let public = cat == "电梯" || cat == "公共设施" || cat == "消防" || rng.u8(0..10) == 0;
        let u = &units[rng.usize(..units.len())];
        let channel = [
            "phone",
            "phone",
            "phone",
            "phone",
            "phone",
            "walk_in",
            "walk_in",
            "wechat",
            "wechat",
            "app",
            "sms",
            "inspection",
        ][rng.usize(..12)];
        let urgency = if rng.u8(0..10) == 0 { "scheduled" } else { "" };
        let appointment = (urgency == "scheduled").then(|| {
            let d = received + Duration::days(rng.i64(1..3));
            d.with_hour(if rng.bool() { 9 } else { 14 })
                .and_then(|t| t.with_minute(0))
                .unwrap_or(d)
        });
        let draft = TicketDraft {
            kind: Some(kind.into()),
            channel: Some(channel.into()),
            reporter: Some(if channel == "inspection" {
                "巡检员".into()
            } else {
                u.4.clone()
            }),
            phone: Some(if channel == "inspection" {
                "13911119999".into()
            } else {
                u.5.clone()
            }),
            site: Some(u.0.clone()),
            building: (!public).then(|| u.1.clone()),
            unit: (!public).then(|| u.2.clone()),
            room: (!public).then(|| u.3.clone()),
            location: public.then(|| PUBLIC_PLACES[rng.usize(..PUBLIC_PLACES.len())].to_string()),
            scope: Some(if public { "public_area" } else { "in_home" }.into()),
            category: Some(cat.into()),
            urgency: (!urgency.is_empty()).then(|| urgency.into()),
            appointment_at: appointment.as_ref().map(fmt),
            description: Some(descs[rng.usize(..descs.len())].into()),
            received_at: Some(fmt(&received)),
            // Owners often say when it started; now and then one asks for a technician.
            occurred_at: (rng.u8(0..3) == 0)
                .then(|| fmt(&(received - Duration::minutes(rng.i64(10..600))))),
            requested_technician: None,
        };
        let t = store.create_ticket(&draft, op)?;
        made += 1;
        // Walk the ticket forward as long as each step's time has already passed.
        let mut clock = received;
        if kind != "repair" {
            walk_report(store, &t.number, kind, &mut clock, &now, rng)?;
            continue;
        }
        if rng.u8(0..100) < 4 {
            if let Some(at) = advance(&mut clock, &now, rng, 3, 30) {
                store.apply_step(
                    &t.number,
                    Step::Cancel {
                        reason: "业主已自行处理".into(),
                        duplicate_of: None,
                    },
                    Some(&at),
                    op,
                )?;
            }
            continue;
        }
        // Calls of the last hour or two may still be waiting for dispatch; older ones
        // were dispatched within the hour (a live office, not a backlog).
        if now - received < Duration::minutes(90) && rng.u8(0..100) < 50 {
            continue;
        }
        let techs: Vec<String> = store
            .suggest_technicians(cat)?
            .into_iter()
            .map(|s| s.name)
            .collect();
        let Some(tech) = techs.first().cloned() else {
            continue;
        };
        let Some(at) = advance(&mut clock, &now, rng, 2, 25) else {
            continue;
        };
        store.apply_step(&t.number, Step::Assign { technician: tech }, Some(&at), op)?;
        // 改约: now and then the owner is out when the technician calls ahead.
        let mut appointment = appointment;
        if rng.u8(0..100) < 5 && appointment.is_none() {
            if let Some(at) = advance(&mut clock, &now, rng, 5, 30) {
                let next = clock + Duration::days(1);
                let moved = next
                    .with_hour(if rng.bool() { 9 } else { 14 })
                    .and_then(|t| t.with_minute(0))
                    .unwrap_or(next);
                let reason = ["业主不在家，改约明天", "业主改时间", "材料未到"][rng.usize(..3)];
                let step = Step::Reschedule {
                    appointment: moved.format("%Y-%m-%d %H:%M").to_string(),
                    reason: reason.into(),
                };
                store.apply_step(&t.number, step, Some(&at), op)?;
                appointment = Some(moved);
            }
        }
        let arrive = match appointment {
            Some(a) if a > clock => {
                clock = a;
                (a <= now).then(|| fmt(&a))
            }
            _ => advance(&mut clock, &now, rng, 10, 100),
        };
        let Some(at) = arrive else { continue };
        store.apply_step(&t.number, Step::Start, Some(&at), op)?;
        if rng.u8(0..100) < 6 {
            let Some(at) = advance(&mut clock, &now, rng, 20, 60) else {
                continue;
            };
            store.apply_step(
                &t.number,
                Step::Hold {
                    reason: "等待材料到货".into(),
                },
                Some(&at),
                op,
            )?;
            // The part arrives within a few days; a hold only lasts while it is recent.
            let Some(at) = advance(&mut clock, &now, rng, 600, 5000) else {
                continue; // still waiting for the part
            };
            store.apply_step(&t.number, Step::Resume, Some(&at), op)?;
        }
        let Some(at) = advance(&mut clock, &now, rng, 20, 240) else {
            continue;
        };
        let (cause, measures) = remedy(cat, rng);
        let paid = rng.u8(0..100) < 30 && !mats.is_empty();
        let fee_fen = if paid { rng.i64(3..20) * 1000 } else { 0 };
        if paid {
            // 有偿: the technician quotes on site and the owner agrees before the work.
            let step = Step::Quote {
                items: format!("{measures}（材料另计）"),
                amount_fen: fee_fen,
                consent: true,
            };
            store.apply_step(&t.number, step, Some(&fmt(&clock)), op)?;
        }
        let materials: Vec<MaterialDraft> = (0..rng.usize(0..3).min(mats.len()))
            .map(|i| {
                let (name, spec, price) = mats[(i + rng.usize(..mats.len())) % mats.len()];
                MaterialDraft {
                    name: Some(name.into()),
                    spec: Some(spec.into()),
                    quantity: Some(rng.u8(1..3) as f64),
                    unit_price_fen: Some(price),
                }
            })
            .collect();
        store.apply_step(
            &t.number,
            Step::Complete(CompletionDraft {
                cause: Some(cause.into()),
                measures: Some(measures.into()),
                materials,
                labour_minutes: Some(rng.i64(20..150)),
                paid: Some(paid),
                fee_fen: Some(fee_fen),
                payment_method: paid
                    .then(|| ["微信", "现金", "支付宝"][rng.usize(..3)].to_string()),
                owner_signed: Some(true),
                arrived_at: None,
            }),
            Some(&at),
            op,
        )?;
        // The 回访 call within a day or so; the last day's completions still wait for it.
        let Some(at) = advance(&mut clock, &now, rng, 120, 1800) else {
            continue;
        };
        // Now and then nobody answers the first call (回访未果): called again later.
        let at = if rng.u8(0..100) < 10 {
            let step = Step::VisitAttempt {
                result: "no_answer".into(),
                note: Some("响铃无人接".into()),
            };
            store.apply_step(&t.number, step, Some(&at), "客服小王")?;
            match advance(&mut clock, &now, rng, 60, 600) {
                Some(at) => at,
                None => continue,
            }
        } else {
            at
        };
        let sat = [
            Satisfaction::VerySatisfied,
            Satisfaction::VerySatisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Neutral,
            Satisfaction::Dissatisfied,
        ][rng.usize(..7)];
        store.apply_step(
            &t.number,
            Step::Visit {
                satisfaction: sat.code().into(),
                note: Some("电话回访".into()),
                method: None,
                quality: None,
                attitude: None,
            },
            Some(&at),
            "客服小王",
        )?;
        if sat == Satisfaction::Dissatisfied && rng.bool() {
            rework(store, &t.number, cat, &mut clock, &now, rng)?;
        }
    }
    made += live_desk(store, &units, &now)?;
    Ok(SeedOutcome {
        sites: SITES.len(),
        units: units.len(),
        contacts: units.len(),
        technicians: TECHS.len(),
        tickets: made,
    })
}

/// 报事 the desk handles without a technician: an inquiry answered on the phone (办结
/// at once), a complaint handed to the department in charge (转交) or taken by the 主管,
/// resolved with its outcome (办结) and called back (回访).
fn walk_report(
    store: &mut Store,
    number: &str,
    kind: &str,
    clock: &mut Time,
    now: &Time,
    rng: &mut fastrand::Rng,
) -> Result<()> {
    if kind == "inquiry" {
        if let Some(at) = advance(clock, now, rng, 2, 15) {
            let answer = [
                "已电话答复业主",
                "已电话告知办理流程",
                "已告知业主到服务中心前台办理",
            ][rng.usize(..3)];
            let step = Step::Resolve {
                result: answer.into(),
                dept: None,
            };
            store.apply_step(number, step, Some(&at), "前台")?;
        }
        return Ok(());
    }
    let dept = ["保洁部", "秩序部", "绿化部", "客服主管"][rng.usize(..4)];
    let Some(at) = advance(clock, now, rng, 5, 30) else {
        return Ok(());
    };
    let handover = Step::Handover { dept: dept.into() };
    store.apply_step(number, handover, Some(&at), "前台")?;
    let Some(at) = advance(clock, now, rng, 60, 600) else {
        return Ok(());
    };
    let resolve = Step::Resolve {
        result: format!("{dept}已现场处理并向业主说明情况"),
        dept: Some(dept.into()),
    };
    store.apply_step(number, resolve, Some(&at), "主管")?;
    let Some(at) = advance(clock, now, rng, 120, 1800) else {
        return Ok(());
    };
    let visit = Step::Visit {
        satisfaction: Satisfaction::Satisfied.code().into(),
        note: Some("电话回访，业主认可处理结果".into()),
        method: None,
        quality: None,
        attitude: None,
    };
    store
        .apply_step(number, visit, Some(&at), "客服小王")
        .map(|_| ())
}

/// 返修 after an unhappy visit: the technician goes back, a second round is completed
/// and the owner is called again — each step as far as the clock allows.
fn rework(
    store: &mut Store,
    number: &str,
    category: &str,
    clock: &mut Time,
    now: &Time,
    rng: &mut fastrand::Rng,
) -> Result<()> {
    let op = "前台";
    let steps = [(30, 600), (30, 240), (30, 240), (120, 1800)];
    for (i, (lo, hi)) in steps.into_iter().enumerate() {
        let Some(at) = advance(clock, now, rng, lo, hi) else {
            return Ok(());
        };
        let step = match i {
            0 => Step::Rework {
                reason: "业主反映问题未解决".into(),
            },
            1 => Step::Start,
            2 => {
                let (cause, measures) = remedy(category, rng);
                Step::Complete(CompletionDraft {
                    cause: Some(format!("返修：{cause}")),
                    measures: Some(measures.into()),
                    labour_minutes: Some(rng.i64(20..90)),
                    paid: Some(false),
                    fee_fen: Some(0),
                    owner_signed: Some(true),
                    ..Default::default()
                })
            }
            _ => Step::Visit {
                satisfaction: Satisfaction::Satisfied.code().into(),
                note: Some("返修后电话回访，业主确认已修好".into()),
                method: None,
                quality: None,
                attitude: None,
            },
        };
        let by = if i == 3 { "客服小王" } else { op };
        store.apply_step(number, step, Some(&at), by)?;
    }
    Ok(())
}

/// How far a "live desk" ticket has got; each step happens a fixed number of minutes
/// before now, so the demo holds every status whatever the hour it is seeded at.
struct Live {
    category: &'static str,
    description: &'static str,
    /// Minutes before now the call came in; each step says its own minutes before now.
    received: i64,
    steps: &'static [(LiveStep, i64)],
}

#[derive(Clone, Copy)]
enum LiveStep {
    Assign,
    Start,
    Hold,
    Complete,
    Visit,
    Cancel,
}

const LIVE_DESK: &[Live] = &[
    Live {
        category: "水路",
        description: "卫生间地漏反水，地面有积水",
        received: 25,
        steps: &[],
    },
    Live {
        category: "电路",
        description: "厨房插座没电，冰箱停了",
        received: 70,
        steps: &[],
    },
    Live {
        category: "门窗锁具",
        description: "入户门锁芯卡住，钥匙拧不动",
        received: 150,
        steps: &[(LiveStep::Assign, 140)],
    },
    Live {
        category: "水路",
        description: "厨房水槽下水管漏水，柜子里有积水",
        received: 240,
        steps: &[(LiveStep::Assign, 232), (LiveStep::Start, 180)],
    },
    Live {
        category: "电路",
        description: "漏电开关频繁跳闸",
        received: 200,
        steps: &[(LiveStep::Assign, 195), (LiveStep::Start, 120)],
    },
    Live {
        category: "空调暖通",
        description: "暖气片不热，阀门开着",
        received: 1500,
        steps: &[
            (LiveStep::Assign, 1490),
            (LiveStep::Start, 1400),
            (LiveStep::Hold, 1380),
        ],
    },
    Live {
        category: "墙地面",
        description: "客厅墙面瓷砖空鼓脱落",
        received: 1800,
        steps: &[
            (LiveStep::Assign, 1790),
            (LiveStep::Start, 1700),
            (LiveStep::Complete, 1620),
        ],
    },
    Live {
        category: "水路",
        description: "洗手盆龙头松动漏水",
        received: 2900,
        steps: &[
            (LiveStep::Assign, 2890),
            (LiveStep::Start, 2820),
            (LiveStep::Complete, 2790),
            (LiveStep::Visit, 60),
        ],
    },
    Live {
        category: "其他",
        description: "家里纱窗破了想找人换",
        received: 400,
        steps: &[(LiveStep::Cancel, 380)],
    },
];

/// The last hours of a working desk: a few calls waiting for dispatch, work under way,
/// one job on hold, one waiting for its visit, one closed and one cancelled.
fn live_desk(store: &mut Store, units: &[SeedUnit], now: &Time) -> Result<usize> {
    let before = |minutes: i64| fmt(&(*now - Duration::minutes(minutes)));
    let op = "前台";
    for (i, live) in LIVE_DESK.iter().enumerate() {
        let u = &units[(i * 37) % units.len()];
        let draft = TicketDraft {
            channel: Some("phone".into()),
            reporter: Some(u.4.clone()),
            phone: Some(u.5.clone()),
            site: Some(u.0.clone()),
            building: Some(u.1.clone()),
            unit: Some(u.2.clone()),
            room: Some(u.3.clone()),
            scope: Some("in_home".into()),
            category: Some(live.category.into()),
            description: Some(live.description.into()),
            received_at: Some(before(live.received)),
            ..Default::default()
        };
        let number = store.create_ticket(&draft, op)?.number;
        for &(step, minutes) in live.steps {
            let step = match step {
                LiveStep::Assign => {
                    let tech = store
                        .suggest_technicians(live.category)?
                        .into_iter()
                        .map(|s| s.name)
                        .next()
                        .ok_or_else(|| Error::NotFound("演示数据缺少维修人员".into()))?;
                    Step::Assign { technician: tech }
                }
                LiveStep::Start => Step::Start,
                LiveStep::Hold => Step::Hold {
                    reason: "等待材料到货".into(),
                },
                LiveStep::Complete => Step::Complete(CompletionDraft {
                    cause: Some(remedies(live.category)[0].0.into()),
                    measures: Some(remedies(live.category)[0].1.into()),
                    labour_minutes: Some(40),
                    paid: Some(false),
                    fee_fen: Some(0),
                    owner_signed: Some(true),
                    ..Default::default()
                }),
                LiveStep::Visit => Step::Visit {
                    satisfaction: Satisfaction::Satisfied.code().into(),
                    note: Some("电话回访".into()),
                    method: None,
                    quality: None,
                    attitude: None,
                },
                LiveStep::Cancel => Step::Cancel {
                    reason: "业主已自行处理".into(),
                    duplicate_of: None,
                },
            };
            store.apply_step(&number, step, Some(&before(minutes)), op)?;
        }
    }
    Ok(LIVE_DESK.len())
}

/// Move the clock on by lo..hi minutes; the step happens only if that is not in the future.
fn advance(
    clock: &mut Time,
    now: &Time,
    rng: &mut fastrand::Rng,
    lo: i64,
    hi: i64,
) -> Option<String> {
    *clock += Duration::minutes(rng.i64(lo..hi));
    (*clock <= *now).then(|| fmt(clock))
}

fn weighted_category(rng: &mut fastrand::Rng) -> usize {
    // 水路 and 电路 dominate real ledgers; 燃气 and 电梯 are rare.
    const W: &[u32] = &[28, 20, 2, 12, 8, 6, 3, 3, 6, 9, 3];
    let total: u32 = W.iter().sum();
    let mut x = rng.u32(..total);
    for (i, w) in W.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    0
}

/// The most synthetic tickets one `seed --tickets` makes (a company's decade is ~5M).
pub const MAX_SYNTHETIC: usize = 5_000_000;

/// `n` synthetic tickets for benchmarks, about 30,000 a month going back from now,
/// bulk-inserted in one transaction with their numbers and milestone events. Master
/// data is created first if the database has none.
pub fn synthetic(store: &mut Store, n: usize, seed: u64) -> Result<SeedOutcome> {
    if n == 0 || n > MAX_SYNTHETIC {
        return Err(Error::invalid(format!(
            "测试工单数量 {n} 不合适，请填写 1 到 {MAX_SYNTHETIC} 之间的数"
        )));
    }
    store.operator(Permission::Seed, None)?;
    let mut rng = fastrand::Rng::with_seed(seed);
    store.set_durable(false)?;
    let result = synthetic_inner(store, n, &mut rng);
    store.set_durable(true)?;
    result
}

fn synthetic_inner(store: &mut Store, n: usize, rng: &mut fastrand::Rng) -> Result<SeedOutcome> {
    let has_techs = !store.technicians()?.is_empty();
    let units = if has_techs {
        Vec::new()
    } else {
        master_data(store, rng)?
    };
    let zone = store.zone();
    let now = store.now().timestamp();
    let prefix = store.settings()?.number_prefix;
    let picks = store.pick_lists()?;
    if picks.units.is_empty() || picks.categories.is_empty() || picks.skills.is_empty() {
        return Err(Error::Precondition(
            "缺少小区、房屋或维修人员，无法生成测试工单".into(),
        ));
    }
    let span_secs = ((n as f64 / 30_000.0) * 30.0 * 86_400.0).max(86_400.0) as i64;
    let mut received: Vec<i64> = (0..n).map(|_| now - rng.i64(0..span_secs)).collect();
    received.sort_unstable();
    // Written in parts, so a million tickets never sit in memory at once.
    for part in received.chunks(10_000) {
        let mut batch = Vec::with_capacity(part.len());
        for &r in part {
            batch.push(synthetic_ticket(&zone, now, r, &picks, rng));
        }
        store.insert_bulk(&prefix, batch)?;
    }
    Ok(SeedOutcome {
        sites: if units.is_empty() { 0 } else { SITES.len() },
        units: units.len(),
        contacts: units.len(),
        technicians: if units.is_empty() { 0 } else { TECHS.len() },
        tickets: n,
    })
}

/// One repair received at `r` (epoch seconds), walked as far as `now` allows.
fn synthetic_ticket(
    zone: &OfficeZone,
    now: i64,
    r: i64,
    picks: &PickLists,
    rng: &mut fastrand::Rng,
) -> BulkTicket {
    let (unit_id, site_id) = picks.units[rng.usize(..picks.units.len())];
    let category_id = picks.categories[rng.usize(..picks.categories.len())];
    let techs: Vec<i64> = picks
        .skills
        .iter()
        .filter(|(c, _)| *c == category_id)
        .map(|(_, t)| *t)
        .collect();
    let tech = if techs.is_empty() {
        picks.skills[0].1
    } else {
        techs[rng.usize(..techs.len())]
    };
    let (cat, descs, _) = CATEGORIES[rng.usize(..CATEGORIES.len())];
    let desc = descs[rng.usize(..descs.len())];
    let reporter = person(rng);
    let phone = mobile(rng);
    let dispatched = r + rng.i64(60..3600);
    let arrived = dispatched + rng.i64(600..36_000);
    let completed = arrived + rng.i64(1200..14_400);
    let visited = completed + rng.i64(3600..200_000);
    let at = |t: i64| (t <= now).then_some(t);
    let (dispatched, arrived, completed, visited) = (
        at(dispatched),
        at(arrived).filter(|_| at(dispatched).is_some()),
        at(completed).filter(|_| at(arrived).is_some()),
        at(visited).filter(|_| at(completed).is_some()),
    );
    let status = match (dispatched, arrived, completed, visited) {
        (_, _, _, Some(_)) => Status::Closed,
        (_, _, Some(_), None) => Status::Completed,
        (_, Some(_), None, None) => Status::InProgress,
        (Some(_), None, None, None) => Status::Assigned,
        _ => Status::Received,
    };
    let changed = visited
        .or(completed)
        .or(arrived)
        .or(dispatched)
        .unwrap_or(r);
    let time = |t: i64| zone.from_epoch(t);
    let opt = |t: Option<i64>| t.map(time);
    let event = |t: i64, action: EventAction, from: Option<Status>, to: Status| {
        Event::new(time(t), "测试数据", action, from, Some(to), None)
    };
    let mut events = vec![event(r, EventAction::Created, None, Status::Received)];
    for (t, action, from, to) in [
        (
            dispatched,
            EventAction::Assign,
            Status::Received,
            Status::Assigned,
        ),
        (
            arrived,
            EventAction::Start,
            Status::Assigned,
            Status::InProgress,
        ),
        (
            completed,
            EventAction::Complete,
            Status::InProgress,
            Status::Completed,
        ),
        (
            visited,
            EventAction::Visit,
            Status::Completed,
            Status::Closed,
        ),
    ] {
        if let Some(t) = t {
            events.push(event(t, action, Some(from), to));
        }
    }
    let ticket = Ticket {
        number: String::new(),
        kind: Kind::Repair,
        status,
        channel: Channel::Phone,
        reporter: reporter.clone(),
        phone: phone.clone(),
        site: None,
        building: None,
        unit: None,
        room: None,
        location: None,
        scope: Scope::InHome,
        category: cat.into(),
        urgency: Urgency::Normal,
        appointment_at: None,
        description: desc.into(),
        received_at: time(r),
        assignee: None,
        dispatched_at: opt(dispatched),
        arrived_at: opt(arrived),
        completed_at: opt(completed),
        visited_at: opt(visited),
        closed_at: opt(visited),
        cancelled_at: None,
        hold_reason: None,
        cause: completed.map(|_| "配件老化损坏".into()),
        measures: completed.map(|_| "更换配件，试用正常".into()),
        materials: Vec::new(),
        labour_minutes: if completed.is_some() { 60 } else { 0 },
        paid: false,
        fee_fen: 0,
        payment_method: None,
        owner_signed: false,
        satisfaction: visited.map(|_| Satisfaction::Satisfied),
        visit_note: None,
        rework_count: 0,
        duplicate_of: None,
        deadlines: Deadlines {
            dispatch: Some(time(r + 1800)),
            arrival: Some(time(r + 86_400)),
            completion: Some(time(r + 259_200)),
            visit: completed.map(|c| time(c + 172_800)),
        },
        overdue: false,
        overdue_stage: None,
        cancel_reason: None,
        held_minutes: 0,
        print_count: 0,
        remind_count: 0,
        reschedule_count: 0,
        occurred_at: None,
        requested_technician: None,
        resolution: None,
        dept: None,
        resolved_at: None,
        id: 0,
        category_id,
        site_id: Some(site_id),
        unit_id: Some(unit_id),
        assignee_id: dispatched.map(|_| tech),
        duplicate_of_id: None,
        assigned_at: opt(dispatched),
        hold_started_at: None,
        status_changed_at: time(changed),
    };
    BulkTicket {
        ticket,
        search_parts: vec![reporter, phone, cat.into(), desc.into()],
        events,
    }
}
