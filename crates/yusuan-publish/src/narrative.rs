//! Budget -> the narrative (情况说明): every figure computed from the line items, every
//! year-over-year change stated with 增加 / 减少 / 与上年持平 and the department's reason.

use crate::derive::{classes, wan};
use yusuan_core::budget::{Budget, Compared, Money, Source};
use yusuan_core::{Paragraph, Section, Span};

/// The standard 名词解释 of the Chongqing template.
const TERMS: &[(&str, &str)] = &[
    (
        "财政拨款收入",
        "指本年度从本级财政部门取得的财政拨款，包括一般公共预算财政拨款和政府性基金预算财政拨款。",
    ),
    (
        "其他收入",
        "指部门取得的除“财政拨款收入”、“事业收入”、“经营收入”等以外的收入。",
    ),
    (
        "基本支出",
        "指为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。",
    ),
    (
        "项目支出",
        "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
    ),
    (
        "“三公”经费",
        "指用一般公共预算财政拨款安排的因公出国（境）费、公务用车购置及运行维护费、公务接待费。其中，因公出国（境）费反映单位公务出国（境）的国际旅费、国外城市间交通费、住宿费、伙食费、培训费、公杂费等支出；公务用车购置费反映单位公务用车购置支出（含车辆购置税）；公务用车运行维护费反映单位按规定保留的公务用车燃料费、维修费、过路过桥费、保险费等支出；公务接待费反映单位按规定开支的各类公务接待（含外宾接待）支出。",
    ),
    (
        "机关运行经费",
        "指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金，包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、专用材料及一般设备购置费、办公用房水电费、办公用房取暖费、办公用房物业管理费、公务用车运行维护费以及其他费用。",
    ),
];

/// "比 2024 年增加 1,374.64 万元" / "比 2024 年减少 …" / "与上年持平".
pub(crate) fn change(now: Money, prior: Money, prior_year: i32) -> String {
    let d = now.fen() - prior.fen();
    match d.signum() {
        0 => "与上年持平".to_string(),
        1 => format!("比 {prior_year} 年增加 {} 万元", wan(Money(d))),
        _ => format!("比 {prior_year} 年减少 {} 万元", wan(Money(-d))),
    }
}

/// A change with its reason: "…增加 2.90 万元，主要原因是…".
fn change_with_reason(now: Money, prior: Money, prior_year: i32, reason: &str) -> String {
    let c = change(now, prior, prior_year);
    if now == prior || reason.trim().is_empty() {
        c
    } else {
        format!("{c}，主要原因是{}", reason.trim().trim_end_matches('。'))
    }
}

fn para(text: String) -> Paragraph {
    Paragraph {
        text,
        span: Span::default(),
        pieces: Vec::new(),
        unfinished: false,
    }
}

fn section(level: u8, number: &str, heading: &str, paragraphs: Vec<String>) -> Section {
    Section {
        number: (!number.is_empty()).then(|| number.to_string()),
        level,
        heading: heading.to_string(),
        span: Span::default(),
        paragraphs: paragraphs.into_iter().map(para).collect(),
    }
}

/// Name of the fiscal source as the narrative says it ("一般公共预算拨款").
fn source_words(s: Source) -> String {
    if s.is_fiscal() {
        format!("{}拨款", s.label())
    } else {
        s.label().to_string()
    }
}

/// The sections of the Chongqing 情况说明.
pub(crate) fn chongqing(b: &Budget) -> Vec<Section> {
    let y = b.year;
    let py = y - 1;
    let who = b.unit.scope.label();
    let mut out = vec![
        section(0, "", &b.unit.name, vec![]),
        section(0, "", &format!("{y} 年{who}预算情况说明"), vec![]),
        section(1, "一", &format!("{who}基本情况"), vec![]),
    ];
    out.push(section(
        2,
        "一",
        "职能职责",
        b.unit
            .functions
            .iter()
            .enumerate()
            .map(|(i, f)| format!("{}. {}", i + 1, f.trim()))
            .collect(),
    ));
    out.push(section(
        2,
        "二",
        &format!("{who}构成"),
        b.unit
            .organization
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
    ));

    // 二、收支总体情况
    out.push(section(1, "二", &format!("{who}收支总体情况"), vec![]));
    let total = b.total();
    let prior = b.prior_total();
    let used: Vec<Source> = Source::ALL
        .into_iter()
        .filter(|s| !b.total_of(*s).is_zero())
        .collect();
    let sources = used
        .iter()
        .map(|s| format!("{} {} 万元", source_words(*s), wan(b.total_of(*s))))
        .collect::<Vec<_>>()
        .join("，");
    let income = format!(
        "{y} 年年初预算数 {} 万元{}。收入{}。",
        wan(total),
        if sources.is_empty() {
            String::new()
        } else {
            format!("，其中：{sources}")
        },
        change_with_reason(total, prior, py, &b.reasons.income)
    );
    out.push(section(2, "一", "收入预算。", vec![income]));
    let rows = b.function_rows(&Source::ALL);
    let by_class = classes(&rows)
        .iter()
        .map(|r| format!("{} {} 万元", r.name, wan(r.total())))
        .collect::<Vec<_>>()
        .join("，");
    let spending = format!(
        "{y} 年年初预算数 {} 万元{}。支出{}。",
        wan(total),
        if by_class.is_empty() {
            String::new()
        } else {
            format!("，其中：{by_class}")
        },
        change_with_reason(total, prior, py, &b.reasons.expenditure)
    );
    out.push(section(2, "二", "支出预算。", vec![spending]));

    // 三、财政拨款情况说明
    let g = Source::General;
    let gt = b.total_of(g);
    let prior_basic: Money = b
        .items()
        .filter(|i| i.source == g)
        .map(|i| i.prior_basic)
        .sum();
    let prior_project: Money = b
        .items()
        .filter(|i| i.source == g)
        .map(|i| i.prior_project)
        .sum();
    let mut basic = format!(
        "基本支出 {} 万元，{}",
        wan(b.basic_of(g)),
        change_with_reason(b.basic_of(g), prior_basic, py, &b.reasons.basic)
    );
    if !b.reasons.basic_uses.is_empty() {
        basic.push_str(&format!(
            "，主要用于{}",
            b.reasons.basic_uses.trim_end_matches('。')
        ));
    }
    let fiscal = format!(
        "{y} 年一般公共预算财政拨款收入 {} 万元，一般公共预算财政拨款支出 {} 万元，{}。其中：{basic}；项目支出 {} 万元，{}。",
        wan(gt),
        wan(gt),
        change(gt, b.prior_of(g), py),
        wan(b.project_of(g)),
        change_with_reason(b.project_of(g), prior_project, py, &b.reasons.project)
    );
    let fund = b.total_of(Source::GovFund);
    let fund_text = if fund.is_zero() && b.prior_of(Source::GovFund).is_zero() {
        format!("{y} 年无使用政府性基金预算拨款安排的支出，与上年保持一致。")
    } else {
        format!(
            "{y} 年政府性基金预算财政拨款支出 {} 万元，{}。",
            wan(fund),
            change(fund, b.prior_of(Source::GovFund), py)
        )
    };
    out.push(section(
        1,
        "三",
        "财政拨款情况说明",
        vec![fiscal, fund_text],
    ));

    // 四、三公
    let t = &b.three_public;
    let part = |name: &str, c: &Compared| {
        format!(
            "{name} {} 万元，{}",
            wan(c.amount),
            change_with_reason(c.amount, c.prior, py, &c.reason)
        )
    };
    let three = format!(
        "{y} 年“三公”经费预算 {} 万元，{}。其中：{}；{}；{}；{}。",
        wan(t.total()),
        change_with_reason(t.total(), t.prior_total(), py, &t.reason),
        part("因公出国（境）费用", &t.abroad),
        part("公务接待费", &t.reception),
        part("公务用车运行维护费", &t.vehicle_operation),
        part("公务用车购置费", &t.vehicle_purchase),
    );
    out.push(section(1, "四", "“三公”经费情况说明", vec![three]));

    // 五、其他重要事项
    out.push(section(1, "五", "其他重要事项的情况说明", vec![]));
    let rc = b.operating_cost();
    let mut running = format!(
        "{y} 年一般公共预算财政拨款运行经费 {} 万元，{}。",
        wan(rc),
        change_with_reason(rc, b.operating_cost.prior, py, &b.operating_cost.reason)
    );
    if !b.operating_cost.uses.is_empty() {
        running.push_str(&format!(
            "主要用于{}。",
            b.operating_cost.uses.trim_end_matches('。')
        ));
    }
    out.push(section(2, "一", "机关运行经费。", vec![running]));
    let p = &b.procurement;
    let purchase = if p.total().is_zero() {
        format!("本{who} {y} 年无政府采购预算。")
    } else {
        let parts = [("货物", p.goods), ("工程", p.works), ("服务", p.services)]
            .iter()
            .filter(|(_, m)| !m.is_zero())
            .map(|(k, m)| format!("政府采购{k}预算 {} 万元", wan(*m)))
            .collect::<Vec<_>>()
            .join("、");
        format!("本{who}政府采购预算总额 {} 万元：{parts}。", wan(p.total()))
    };
    out.push(section(2, "二", "政府采购情况。", vec![purchase]));
    let perf = format!(
        "{y} 年项目支出均实行了绩效目标管理，涉及一般公共预算当年财政拨款 {} 万元。",
        wan(b.project_of(g))
    );
    out.push(section(2, "三", "绩效目标设置情况。", vec![perf]));
    let count = |v: &[yusuan_core::budget::VehicleCount]| {
        let n: u32 = v.iter().map(|c| c.count).sum();
        let kinds = v
            .iter()
            .map(|c| format!("{} {} 辆", c.kind, c.count))
            .collect::<Vec<_>>()
            .join("、");
        if kinds.is_empty() {
            format!("{n} 辆")
        } else {
            format!("{n} 辆，其中{kinds}")
        }
    };
    let a = &b.assets;
    let as_of = if a.as_of.is_empty() {
        format!("{py} 年 12 月")
    } else {
        a.as_of.clone()
    };
    let assets = format!(
        "截至 {as_of}，本{who}共有车辆 {}。{y} 年一般公共预算安排购置车辆 {}。",
        count(&a.vehicles),
        count(&a.purchases)
    );
    out.push(section(2, "四", "国有资产占有使用情况。", vec![assets]));

    // 六、名词解释
    let mut terms: Vec<String> = TERMS
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            format!(
                "（{}）{k}。{v}",
                crate::derive::chinese_number(i as u32 + 1)
            )
        })
        .collect();
    let c = &b.unit.contact;
    if !c.name.is_empty() || !c.phone.is_empty() {
        terms.push(format!(
            "{who}预算公开联系人： {} 联系方式：{}",
            c.name, c.phone
        ));
    }
    out.push(section(1, "六", "专业性名词解释", terms));
    out
}

/// The Shanghai 名词解释.
const SHANGHAI_TERMS: &[(&str, &str)] = &[
    (
        "财政拨款收入",
        "是区级预算主管部门及所属预算单位本年度从本级财政部门取得的财政拨款，包括一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款。",
    ),
    ("事业收入", "指事业单位开展专业业务活动及其辅助活动取得的收入。"),
    (
        "事业单位经营收入",
        "指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。",
    ),
    (
        "其他收入",
        "指除上述“财政拨款收入”、“事业收入”、“事业单位经营收入”等以外的收入。",
    ),
    (
        "基本支出预算",
        "是区级预算主管部门及所属预算单位为保障其机构正常运转、完成日常工作任务而编制的年度基本支出计划，包括人员经费和公用经费两部分。",
    ),
    (
        "项目支出预算",
        "是区级预算主管部门及所属预算单位为完成行政工作任务、事业发展目标或政府发展战略、特定目标，在基本支出之外编制的年度支出计划。",
    ),
    (
        "“三公”经费",
        "是与区级财政有经费领拨关系的部门及其下属预算单位使用区级财政拨款安排的因公出国（境）费、公务用车购置及运行费、公务接待费。",
    ),
    (
        "机关运行经费",
        "指行政单位和参照公务员法管理的事业单位使用一般公共预算财政拨款安排的基本支出中的日常公用经费支出。",
    ),
];

/// "比2024年预算增加1,374.64万元" / "与2024年预算持平" (Shanghai wording, no spaces).
fn change_sh(now: Money, prior: Money, prior_year: i32) -> String {
    let d = now.fen() - prior.fen();
    match d.signum() {
        0 => format!("与{prior_year}年预算持平"),
        1 => format!("比{prior_year}年预算增加{}万元", wan(Money(d))),
        _ => format!("比{prior_year}年预算减少{}万元", wan(Money(-d))),
    }
}

/// The sections of the Shanghai narrative: 主要职能, 机构设置, 名词解释, 预算编制说明 (before
/// the tables) and 其他相关情况说明 (after them; see [`shanghai_after`]).
pub(crate) fn shanghai(b: &Budget) -> Vec<Section> {
    let y = b.year;
    let py = y - 1;
    let who = b.unit.scope.label();
    let name = &b.unit.name;
    let mut out = vec![section(0, "", &format!("{y}年{name}{who}预算"), vec![])];
    let mut duties = vec!["主要职能包括：".to_string()];
    duties.extend(
        b.unit
            .functions
            .iter()
            .enumerate()
            .map(|(i, f)| format!("{}.{}", i + 1, f.trim())),
    );
    out.push(section(0, "", &format!("{name}主要职能"), duties));
    out.push(section(
        0,
        "",
        &format!("{name}机构设置"),
        b.unit
            .organization
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
    ));
    out.push(section(
        0,
        "",
        "名词解释",
        SHANGHAI_TERMS
            .iter()
            .enumerate()
            .map(|(i, (k, v))| {
                format!(
                    "（{}）{k}：{v}",
                    crate::derive::chinese_number(i as u32 + 1)
                )
            })
            .collect(),
    ));
    let fiscal = [Source::General, Source::GovFund, Source::StateCapital];
    let ft: Money = fiscal.iter().map(|s| b.total_of(*s)).sum();
    let fp: Money = fiscal.iter().map(|s| b.prior_of(*s)).sum();
    let total = b.total();
    let income = format!(
        "{y}年，{name}收入预算{}万元，其中：财政拨款收入{}万元，{}；事业收入{}万元；事业单位经营收入{}万元；其他收入{}万元。",
        wan(total),
        wan(ft),
        change_sh(ft, fp, py),
        wan(b.total_of(Source::Business)),
        wan(b.total_of(Source::Operating)),
        wan(b.total_of(Source::Other)),
    );
    let fund = |s: Source| (b.total_of(s), b.prior_of(s));
    let (g, gp) = fund(Source::General);
    let (f, fpp) = fund(Source::GovFund);
    let (c, cp) = fund(Source::StateCapital);
    let spending = format!(
        "支出预算{}万元，其中：财政拨款支出预算{}万元，{}。财政拨款支出预算中，一般公共预算拨款支出预算{}万元，{}；政府性基金拨款支出预算{}万元，{}；国有资本经营预算拨款支出预算{}万元，{}。",
        wan(total),
        wan(ft),
        change_sh(ft, fp, py),
        wan(g),
        change_sh(g, gp, py),
        wan(f),
        change_sh(f, fpp, py),
        wan(c),
        change_sh(c, cp, py),
    );
    let mut paragraphs = vec![income, spending];
    if ft != fp && !b.reasons.expenditure.is_empty() {
        let dir = if ft > fp { "增加" } else { "减少" };
        paragraphs.push(format!(
            "财政拨款收入支出{dir}的主要原因是{}。",
            b.reasons.expenditure.trim_end_matches('。')
        ));
    }
    paragraphs.push("财政拨款支出主要内容如下：".to_string());
    let rows = b.function_rows(&fiscal);
    let mut n = 0;
    for r in rows
        .iter()
        .filter(|r| r.code.len() == 7 && !r.total().is_zero())
    {
        n += 1;
        let path = [&r.code[..3], &r.code[..5], &r.code[..]]
            .iter()
            .map(|c| b.function_name(c))
            .collect::<Vec<_>>()
            .join("-");
        paragraphs.push(format!("{n}. “{path}”科目{}万元。", wan(r.total())));
    }
    out.push(section(
        0,
        "",
        &format!("{y}年{who}预算编制说明"),
        paragraphs,
    ));
    out
}

/// 其他相关情况说明, printed after the Shanghai tables.
pub(crate) fn shanghai_after(b: &Budget) -> Vec<Section> {
    let y = b.year;
    let py = y - 1;
    let who = b.unit.scope.label();
    let name = &b.unit.name;
    let t = &b.three_public;
    let mut out = vec![section(0, "", "其他相关情况说明", vec![])];
    let part = |label: &str, c: &Compared| {
        format!(
            "{label}{}万元，{}。",
            wan(c.amount),
            change_sh(c.amount, c.prior, py)
        )
    };
    let vehicles = Compared {
        amount: t.vehicles(),
        prior: t.vehicle_purchase.prior + t.vehicle_operation.prior,
        reason: String::new(),
    };
    out.push(section(
        1,
        "一",
        &format!("{y}年“三公”经费预算情况说明"),
        vec![
            format!(
                "{y}年“三公”经费预算数为{}万元，{}。其中：",
                wan(t.total()),
                change_sh(t.total(), t.prior_total(), py)
            ),
            format!("（一）{}", part("因公出国（境）费", &t.abroad)),
            format!(
                "（二）{}其中：{}{}",
                part("公务用车购置及运行费", &vehicles),
                part("公务用车购置费", &t.vehicle_purchase).trim_end_matches('。'),
                format!("；{}", part("公务用车运行费", &t.vehicle_operation))
            ),
            format!("（三）{}", part("公务接待费", &t.reception)),
        ],
    ));
    out.push(section(
        1,
        "二",
        "机关运行经费预算",
        vec![format!(
            "{y}年{name}财政拨款的机关运行经费预算为{}万元。",
            wan(b.operating_cost())
        )],
    ));
    let p = &b.procurement;
    out.push(section(
        1,
        "三",
        "政府采购预算情况",
        vec![format!(
            "{y}年本{who}政府采购预算{}万元，其中：政府采购货物预算{}万元、政府采购工程预算{}万元、政府采购服务预算{}万元。",
            wan(p.total()),
            wan(p.goods),
            wan(p.works),
            wan(p.services)
        )],
    ));
    out.push(section(
        1,
        "四",
        "绩效目标设置情况",
        vec![format!(
            "{y}年本{who}项目支出均编报了绩效目标，涉及项目预算资金{}万元。",
            wan(b.project_of(Source::General))
        )],
    ));
    let a = &b.assets;
    let n: u32 = a.vehicles.iter().map(|v| v.count).sum();
    let bought: u32 = a.purchases.iter().map(|v| v.count).sum();
    let as_of = if a.as_of.is_empty() {
        format!("{py}年12月31日")
    } else {
        a.as_of.clone()
    };
    out.push(section(
        1,
        "五",
        "国有资产占有使用情况",
        vec![format!(
            "截至{as_of}，{name}共有车辆{n}辆。{y}年{who}预算安排购置车辆{bought}辆。"
        )],
    ));
    out
}
