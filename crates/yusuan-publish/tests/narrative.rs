//! The generated narrative, word for word, for each bundled template: the example budget as it
//! is, and a variant that takes the other branches (no reasons, no contact, a 政府性基金 line,
//! no 采购, a 单位, no date for the assets). A change in a snapshot is a change in what a
//! department publishes: review it as such.

use yusuan_core::budget::{Budget, Money, Procurement, Source};
use yusuan_core::Scope;
use yusuan_publish::{derive, Format};

fn example() -> Budget {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/chongqing-dadukou-govoffice-2025/budget.toml"
    );
    let text = std::fs::read_to_string(path).expect("example budget");
    Budget::from_toml(&text).unwrap_or_else(|e| panic!("{e:?}"))
}

/// The example with every optional sentence taken the other way.
fn variant() -> Budget {
    let mut b = example();
    b.reasons = Default::default();
    b.unit.contact = Default::default();
    b.unit.scope = Scope::Unit;
    b.procurement = Procurement::default();
    b.assets.as_of.clear();
    b.assets.purchases.clear();
    b.operating_cost.uses.clear();
    b.three_public.reason.clear();
    b.three_public.reception.prior = b.three_public.reception.amount;
    if let Some(first) = b.items.first_mut() {
        let item = first.get_mut();
        item.source = Source::GovFund;
        item.prior_basic = Money(0);
    }
    b
}

/// The text rendering's narrative lines (tables left out: they have their own tests).
fn narrative(b: &Budget, template: &str) -> String {
    let mut doc = derive(b, Some(template)).expect("derive");
    doc.tables.clear();
    let bytes = yusuan_publish::render(&doc, Format::Txt).expect("text");
    String::from_utf8(bytes).expect("utf-8")
}

#[test]
fn narratives_word_for_word() {
    for template in yusuan_publish::template_ids() {
        insta::assert_snapshot!(
            format!("{template}_example"),
            narrative(&example(), template)
        );
        insta::assert_snapshot!(
            format!("{template}_variant"),
            narrative(&variant(), template)
        );
    }
}
